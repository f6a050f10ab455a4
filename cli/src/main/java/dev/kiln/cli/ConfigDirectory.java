package dev.kiln.cli;

import java.nio.file.Path;
import java.util.Map;

/**
 * The user's Kiln configuration directory, outside every project: {@code $KILN_CONFIG_DIR}, else
 * {@code $XDG_CONFIG_HOME/kiln}, else {@code ~/.config/kiln}. It holds what the user decides, not
 * what a checkout may say: trusted projects ({@code trusted.json}), the engine fleet ({@code engines.pkl}).
 */
final class ConfigDirectory {
  private ConfigDirectory() {}

  /** The directory of the user whose environment is {@code env} (it may not exist). */
  static Path of(Map<String, String> env) {
    String dir = env.get("KILN_CONFIG_DIR");
    if (dir != null && !dir.isBlank()) {
      return Path.of(dir);
    }
    String xdg = env.get("XDG_CONFIG_HOME");
    return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config"))
        .resolve("kiln");
  }
}
