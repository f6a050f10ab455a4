package dev.kiln.planner;

import java.util.ArrayList;
import java.util.List;

/**
 * The patterns of a {@code .dockerignore} or {@code .kilnignore}, in file order ({@code !}
 * exceptions keep their meaning because order is kept). The CLI reads the files; the planner
 * only receives their text, so it stays free of I/O.
 */
public record IgnoreFile(List<String> patterns) {
  /** No patterns. */
  public static final IgnoreFile EMPTY = new IgnoreFile(List.of());

  public IgnoreFile {
    patterns = List.copyOf(patterns);
  }

  /**
   * Parses ignore-file text like Docker does: one pattern per line, {@code #} comments and blank
   * lines skipped, surrounding spaces trimmed, a leading {@code /} dropped and the path cleaned.
   */
  public static IgnoreFile parse(String text) {
    var patterns = new ArrayList<String>();
    for (String line : text.split("\r?\n")) {
      if (line.startsWith("#")) {
        continue;
      }
      String p = line.strip();
      if (p.isEmpty()) {
        continue;
      }
      boolean negated = p.startsWith("!");
      if (negated) {
        p = p.substring(1).strip();
      }
      p = clean(p);
      if (p.isEmpty()) {
        continue;
      }
      patterns.add(negated ? "!" + p : p);
    }
    return new IgnoreFile(patterns);
  }

  /** This file's patterns followed by {@code later}'s, which can re-include with {@code !}. */
  public IgnoreFile then(IgnoreFile later) {
    var all = new ArrayList<>(patterns);
    all.addAll(later.patterns());
    return new IgnoreFile(all);
  }

  /** {@code p} without empty and {@code .} elements, {@code ..} folded where it can be, relative. */
  static String clean(String p) {
    var parts = new ArrayList<String>();
    for (String s : p.split("/")) {
      if (s.isEmpty() || s.equals(".")) {
        continue;
      }
      if (s.equals("..") && !parts.isEmpty() && !parts.get(parts.size() - 1).equals("..")) {
        parts.remove(parts.size() - 1);
      } else {
        parts.add(s);
      }
    }
    return String.join("/", parts);
  }
}
