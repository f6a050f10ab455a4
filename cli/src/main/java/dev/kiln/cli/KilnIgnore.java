package dev.kiln.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps what Kiln writes into a project out of version control: {@code kiln init} adds build
 * outputs and {@code .kiln/} (all but {@code plugins/}) to the project's {@code .gitignore}, and
 * every evaluation makes sure of {@code .kiln/.gitignore}, for projects that never ran init.
 * {@code .kiln/schema/} is not committed: Kiln serves its own copy whatever the file says, and a
 * committed copy of one Kiln's schema version is an error for a teammate's other Kiln.
 */
final class KilnIgnore {
  static final String CONTENT = """
      # Written by Kiln: what it keeps per machine (caches, results, the last run, and the schema
      # `kiln init` and `kiln schema` write for editors). plugins/ may be committed.
      /*
      !/plugins/
      """;

  /** The lines {@code kiln init} makes sure the project's {@code .gitignore} has. */
  static final List<String> PROJECT_LINES = List.of("build/", ".kiln/*", "!.kiln/plugins/");

  private static final String PROJECT_HEADER =
      "# Kiln: build outputs, and what Kiln keeps per machine (.kiln/plugins/ may be committed)";

  private KilnIgnore() {}

  /** Creates {@code project/.kiln/.gitignore} unless it exists; failures only cost the hint. */
  static void ensure(Path project) {
    Path file = StateDirectory.path(project, ".gitignore").orElse(null);
    if (file == null || Files.exists(file)) {
      return;
    }
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, CONTENT);
    } catch (IOException e) {
      // best effort: a read-only checkout still runs
    }
  }

  /**
   * Adds to {@code project/.gitignore} (creating it) those of {@link #PROJECT_LINES} it lacks in
   * any spelling ({@code build}, {@code /build/}); a project that ignores all of {@code .kiln}
   * keeps doing so.
   *
   * @return the lines added, none when it had them all
   */
  static List<String> addToProject(Path project) throws IOException {
    Path file = project.resolve(".gitignore");
    String text = Files.exists(file) ? Files.readString(file) : "";
    Set<String> present = text.lines().map(KilnIgnore::normalized).collect(Collectors.toSet());
    List<String> missing = new ArrayList<>();
    for (String line : PROJECT_LINES) {
      boolean wholeKiln = present.contains(".kiln") && line.contains(".kiln/");
      if (!present.contains(normalized(line)) && !wholeKiln) {
        missing.add(line);
      }
    }
    if (missing.isEmpty()) {
      return missing;
    }
    StringBuilder added = new StringBuilder(text);
    if (!text.isEmpty() && !text.endsWith("\n")) {
      added.append('\n');
    }
    added.append(PROJECT_HEADER).append('\n');
    missing.forEach(line -> added.append(line).append('\n'));
    Files.writeString(file, added);
    return missing;
  }

  /** A .gitignore line as git reads it for a file at the project's top: no anchor, no trailing slash. */
  private static String normalized(String line) {
    String s = line.strip();
    String negation = s.startsWith("!") ? "!" : "";
    s = s.substring(negation.length());
    if (s.startsWith("/")) {
      s = s.substring(1);
    }
    if (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return negation + s;
  }
}
