package dev.kiln.model;

import java.util.Objects;

/**
 * A declared pipeline parameter.
 *
 * @param name the parameter's name
 * @param type its Pkl type as written, e.g. {@code String} or {@code Int}
 * @param description its doc comment, or empty
 * @param defaultValue its default as a Java value ({@code String}, {@code Long}, {@code Double},
 *     {@code Boolean}), or null when it has none
 * @param value its value after overrides, or null when unset
 */
public record Param(String name, String type, String description, Object defaultValue, Object value)
    {
  public Param {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(description, "description");
  }
}
