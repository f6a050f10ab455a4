package dev.kiln.model;

import java.util.Objects;

/**
 * A secret, by name; its value is served by the executor's session from the host, never planned.
 *
 * @param name the name the engine knows it by
 * @param env the host environment variable holding the value, or null
 * @param file the host file holding the value, or null
 * @param cmd a host shell command printing the value, or null
 */
public record Secret(String name, String env, String file, String cmd) {
  public Secret {
    Objects.requireNonNull(name, "name");
  }

  /** A secret known by name only (where its value comes from is the executor's concern). */
  public Secret(String name) {
    this(name, null, null, null);
  }

  /** A secret read from an environment variable or a file. */
  public Secret(String name, String env, String file) {
    this(name, env, file, null);
  }
}
