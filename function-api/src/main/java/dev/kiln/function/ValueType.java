package dev.kiln.function;

import java.util.Objects;

/**
 * The type of a function's parameter or return value, as both Java and Pkl see it.
 *
 * <p>{@link #FILE}, {@link #DIRECTORY} and {@link #SECRET} are for run-time functions only: the
 * function receives a {@link java.nio.file.Path} to a copy of the file or directory, or the
 * secret's value (which Kiln masks in every log).
 */
public final class ValueType {
  /** A string: {@code String} in both languages. */
  public static final ValueType STRING = new ValueType("string", "String", null);
  /** An integer: {@code Long} in Java, {@code Int} in Pkl. */
  public static final ValueType INT = new ValueType("int", "Int", null);
  /** A floating-point number: {@code Double} in Java, {@code Float} in Pkl. */
  public static final ValueType FLOAT = new ValueType("float", "Float", null);
  /** A boolean. */
  public static final ValueType BOOLEAN = new ValueType("boolean", "Boolean", null);
  /**
   * Any JSON-like value (null, string, number, boolean, list, map): {@code Any} in Pkl, where maps
   * are {@code Dynamic} objects and lists are {@code Listing}s.
   */
  public static final ValueType ANY = new ValueType("any", "Any", null);
  /** A file of a container or of the host; run-time functions only. */
  public static final ValueType FILE = new ValueType("file", "Pipeline.File", null);
  /** A directory of a container or of the host; run-time functions only. */
  public static final ValueType DIRECTORY = new ValueType("directory", "Pipeline.Directory", null);
  /** A secret; run-time functions only. */
  public static final ValueType SECRET = new ValueType("secret", "Pipeline.Secret", null);

  private final String kind;
  private final String pklName;
  private final ValueType element;

  private ValueType(String kind, String pklName, ValueType element) {
    this.kind = kind;
    this.pklName = pklName;
    this.element = element;
  }

  /** A list of {@code element}s: {@code List} in Java, {@code List<E>} in Pkl. */
  public static ValueType listOf(ValueType element) {
    requireValue(element);
    return new ValueType("list", "List<" + element.pklName + ">", element);
  }

  /** A map from strings to {@code value}s: {@code Map<String, V>} in both languages. */
  public static ValueType mapOf(ValueType value) {
    requireValue(value);
    return new ValueType("map", "Map<String, " + value.pklName + ">", value);
  }

  private static void requireValue(ValueType t) {
    Objects.requireNonNull(t, "element type");
    if (t.isRunTimeOnly()) {
      throw new IllegalArgumentException(t + " cannot be an element of a list or map");
    }
  }

  /** {@code string}, {@code int}, {@code float}, {@code boolean}, {@code any}, {@code list},
   * {@code map}, {@code file}, {@code directory} or {@code secret}. */
  public String kind() {
    return kind;
  }

  /** The element type of a list or the value type of a map; otherwise null. */
  public ValueType element() {
    return element;
  }

  /** The Pkl type, e.g. {@code List<String>}; schema types are qualified with {@code Pipeline.}. */
  public String pklName() {
    return pklName;
  }

  /** Whether only run-time functions may use this type. */
  public boolean isRunTimeOnly() {
    return this == FILE || this == DIRECTORY || this == SECRET;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ValueType t && kind.equals(t.kind) && Objects.equals(element, t.element);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, element);
  }

  @Override
  public String toString() {
    return pklName;
  }
}
