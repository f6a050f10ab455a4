package dev.kiln.planner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

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

  /**
   * Turns {@code .gitignore} text into patterns of a host directory: {@code below} is where the
   * host directory is, relative to the {@code .gitignore}'s directory ({@code ""}: the same). As
   * in git, a pattern without a slash (other than a trailing one) matches at any depth ({@code
   * **}{@code /p}); one with a slash is anchored at the {@code .gitignore}'s directory, so it is
   * kept only where it reaches into the host directory, and a pattern naming the host directory
   * itself or a parent is dropped (the pipeline named that directory). A trailing {@code /}
   * ("directories only") is dropped: the engine's patterns match files and directories alike.
   */
  public static IgnoreFile gitignore(String text, String below) {
    String[] base = clean(below).isEmpty() ? new String[0] : clean(below).split("/");
    var patterns = new ArrayList<String>();
    for (String raw : text.split("\r?\n")) {
      String line = raw.stripTrailing();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      boolean negated = line.startsWith("!");
      String p = negated ? line.substring(1) : line;
      if (p.startsWith("\\#") || p.startsWith("\\!")) {
        p = p.substring(1);
      }
      while (p.endsWith("/")) {
        p = p.substring(0, p.length() - 1);
      }
      if (p.isEmpty()) {
        continue;
      }
      String rel = p.contains("/") ? reach(p.startsWith("/") ? p.substring(1) : p, base) : "**/" + p;
      if (rel != null && !rel.isEmpty()) {
        patterns.add(negated ? "!" + rel : rel);
      }
    }
    return new IgnoreFile(patterns);
  }

  /**
   * The part of {@code anchored} (relative to a .gitignore's directory) below {@code base}, its
   * host directory's path from there; null when it does not reach below it.
   */
  private static String reach(String anchored, String[] base) {
    String[] parts = anchored.split("/");
    int i = 0;
    for (String dir : base) {
      if (i == parts.length) {
        return null; // names the host directory or a parent of it
      }
      if (parts[i].equals("**")) {
        return String.join("/", Arrays.copyOfRange(parts, i, parts.length));
      }
      if (!segment(parts[i]).matcher(dir).matches()) {
        return null;
      }
      i++;
    }
    return i == parts.length ? null : String.join("/", Arrays.copyOfRange(parts, i, parts.length));
  }

  /** One path element's glob ({@code *}, {@code ?}, {@code [...]}) as a regular expression. */
  private static Pattern segment(String glob) {
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      int close = c == '[' ? glob.indexOf(']', i + 1) : -1;
      if (c == '*') {
        re.append("[^/]*");
      } else if (c == '?') {
        re.append("[^/]");
      } else if (close > i + 1) {
        String set = glob.substring(i + 1, close);
        re.append('[').append(set.startsWith("!") ? "^" + Pattern.quote(set.substring(1)) : Pattern.quote(set))
            .append(']');
        i = close;
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString());
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
