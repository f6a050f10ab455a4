package dev.kiln.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes {@code .kiln/.gitignore} so what Kiln keeps per machine (evaluation cache, results, the
 * last run) stays out of version control, while the vendored schema and plugins may be committed.
 */
final class KilnIgnore {
  static final String CONTENT = """
      # Written by Kiln: what it keeps per machine. schema/ and plugins/ may be committed.
      cache/
      results/
      last-run.json
      """;

  private KilnIgnore() {}

  /** Creates {@code project/.kiln/.gitignore} unless it exists; failures only cost the hint. */
  static void ensure(Path project) {
    Path file = project.resolve(".kiln").resolve(".gitignore");
    if (Files.exists(file)) {
      return;
    }
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, CONTENT);
    } catch (IOException e) {
      // best effort: a read-only checkout still runs
    }
  }
}
