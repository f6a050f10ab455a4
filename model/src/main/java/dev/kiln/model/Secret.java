package dev.kiln.model;

import java.util.Objects;

/**
 * A secret, by name; its value is served by the executor's session from the host, never planned.
 *
 * @param name the name the engine knows it by
 * @param source where the host reads its value
 */
public record Secret(String name, SecretSource source) {
  public Secret {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(source, "source");
  }

  /** A secret read from the host environment variable of its own name. */
  public Secret(String name) {
    this(name, new SecretSource.Environment(name));
  }
}
