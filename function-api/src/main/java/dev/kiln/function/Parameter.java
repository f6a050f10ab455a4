package dev.kiln.function;

import java.util.Objects;

/**
 * A parameter of a {@link KilnFunction}.
 *
 * @param name its name, a Pkl identifier
 * @param type its type
 * @param doc one sentence saying what it is, shown in IDE completion
 * @param optional whether callers may leave it out ({@code null} in Java, {@code T?} in Pkl)
 */
public record Parameter(String name, ValueType type, String doc, boolean optional) {
  public Parameter {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(doc, "doc");
    if (!name.matches("[a-z][A-Za-z0-9]*")) {
      throw new IllegalArgumentException("parameter name must be lowerCamelCase: " + name);
    }
  }

  /** A required parameter. */
  public static Parameter required(String name, ValueType type, String doc) {
    return new Parameter(name, type, doc, false);
  }

  /** An optional parameter. */
  public static Parameter optional(String name, ValueType type, String doc) {
    return new Parameter(name, type, doc, true);
  }
}
