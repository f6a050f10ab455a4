package dev.kiln.function;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The arguments of one call, by parameter name, already checked against the {@link Signature}:
 * accessors fail only on a programming error (asking for a parameter the signature lacks, or as
 * the wrong type).
 */
public final class Arguments {
  private final Map<String, Object> values;

  private Arguments(Map<String, Object> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** Arguments holding {@code values}; Kiln builds these, tests of functions may too. */
  public static Arguments of(Map<String, ?> values) {
    return new Arguments(new LinkedHashMap<>(values));
  }

  /** All values, by name; a left-out optional parameter is absent. */
  public Map<String, Object> asMap() {
    return values;
  }

  /** Whether {@code name} was given. */
  public boolean has(String name) {
    return values.get(name) != null;
  }

  /** The string {@code name}, or null if an optional one was left out. */
  public String string(String name) {
    return get(name, String.class);
  }

  /** The string {@code name}, or {@code fallback} if it was left out. */
  public String string(String name, String fallback) {
    String s = string(name);
    return s == null ? fallback : s;
  }

  /** The integer {@code name}, or {@code fallback} if it was left out. */
  public long integer(String name, long fallback) {
    Number n = get(name, Number.class);
    return n == null ? fallback : n.longValue();
  }

  /** The number {@code name}, or {@code fallback} if it was left out. */
  public double number(String name, double fallback) {
    Number n = get(name, Number.class);
    return n == null ? fallback : n.doubleValue();
  }

  /** The boolean {@code name}, or {@code fallback} if it was left out. */
  public boolean bool(String name, boolean fallback) {
    Boolean b = get(name, Boolean.class);
    return b == null ? fallback : b;
  }

  /** The list {@code name}, or an empty list if it was left out. */
  @SuppressWarnings("unchecked")
  public <T> List<T> list(String name) {
    List<T> l = get(name, List.class);
    return l == null ? List.of() : l;
  }

  /** The map {@code name}, or an empty map if it was left out. */
  @SuppressWarnings("unchecked")
  public <T> Map<String, T> map(String name) {
    Map<String, T> m = get(name, Map.class);
    return m == null ? Map.of() : m;
  }

  /** A {@link ValueType#FILE} or {@link ValueType#DIRECTORY} argument: a path on the host. */
  public Path path(String name) {
    return get(name, Path.class);
  }

  /** The raw value of {@code name}, or null. */
  public Object value(String name) {
    return values.get(name);
  }

  private <T> T get(String name, Class<T> type) {
    Objects.requireNonNull(name);
    Object v = values.get(name);
    if (v == null) {
      return null;
    }
    if (!type.isInstance(v)) {
      throw new IllegalArgumentException("argument " + name + " is a " + v.getClass().getSimpleName()
          + ", not a " + type.getSimpleName());
    }
    return type.cast(v);
  }

  @Override
  public String toString() {
    return values.keySet().toString();
  }
}
