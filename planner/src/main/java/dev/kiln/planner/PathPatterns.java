package dev.kiln.planner;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code .dockerignore}-style patterns over relative, slash-separated paths: {@code *} and
 * {@code ?} within one path element, {@code **} across elements, {@code [...]} classes, and
 * {@code !} exceptions, the last matching pattern winning. A pattern that matches a directory
 * matches everything beneath it.
 */
public final class PathPatterns {
  private record Rule(Pattern regex, boolean exception, String text) {}

  private final List<Rule> rules;
  private final boolean hasExceptions;

  private PathPatterns(List<Rule> rules) {
    this.rules = List.copyOf(rules);
    this.hasExceptions = rules.stream().anyMatch(Rule::exception);
  }

  /** Compiles {@code patterns}; blank ones are ignored. */
  public static PathPatterns of(List<String> patterns) {
    List<Rule> rules = new ArrayList<>();
    for (String raw : patterns) {
      String p = raw.trim();
      boolean exception = p.startsWith("!");
      if (exception) {
        p = p.substring(1).trim();
      }
      p = clean(p);
      if (p.isEmpty()) {
        continue;
      }
      rules.add(new Rule(Pattern.compile(toRegex(p)), exception, raw));
    }
    return new PathPatterns(rules);
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  public boolean hasExceptions() {
    return hasExceptions;
  }

  /** Whether {@code path} (or a directory above it) is matched, after exceptions. */
  public boolean matches(String path) {
    boolean matched = false;
    List<String> prefixes = prefixes(path);
    for (Rule r : rules) {
      boolean hit = false;
      for (String prefix : prefixes) {
        if (r.regex.matcher(prefix).matches()) {
          hit = true;
          break;
        }
      }
      if (hit) {
        matched = !r.exception;
      }
    }
    return matched;
  }

  /**
   * Whether some exception pattern could match beneath directory {@code dir}: then an excluded
   * directory must still be walked.
   */
  public boolean exceptionMayMatchBelow(String dir) {
    for (Rule r : rules) {
      if (!r.exception) {
        continue;
      }
      String p = clean(r.text.trim().substring(1).trim());
      if (p.startsWith("**") || p.startsWith(dir + "/") || firstElementMayMatch(p, dir)) {
        return true;
      }
    }
    return false;
  }

  private static boolean firstElementMayMatch(String pattern, String dir) {
    String[] pe = pattern.split("/");
    String[] de = dir.split("/");
    for (int i = 0; i < Math.min(pe.length - 1, de.length); i++) {
      if (pe[i].equals("**")) {
        return true;
      }
      if (!Pattern.compile(toRegex(pe[i])).matcher(de[i]).matches()) {
        return false;
      }
    }
    return pe.length > de.length;
  }

  /** The path and each directory above it: {@code a/b/c} gives {@code a/b/c, a/b, a}. */
  private static List<String> prefixes(String path) {
    List<String> out = new ArrayList<>();
    String p = path;
    while (true) {
      out.add(p);
      int slash = p.lastIndexOf('/');
      if (slash < 0) {
        return out;
      }
      p = p.substring(0, slash);
    }
  }

  /** Strips {@code ./}, leading and trailing slashes, and collapses {@code //}. */
  public static String clean(String p) {
    String s = p; // a backslash escapes the next character, as in .dockerignore
    while (s.startsWith("./")) {
      s = s.substring(2);
    }
    while (s.startsWith("/")) {
      s = s.substring(1);
    }
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    s = s.replaceAll("/+", "/");
    return s.equals(".") ? "" : s;
  }

  static String toRegex(String pattern) {
    StringBuilder re = new StringBuilder();
    int i = 0;
    while (i < pattern.length()) {
      char c = pattern.charAt(i);
      if (c == '*') {
        if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
          i += 2;
          if (i < pattern.length() && pattern.charAt(i) == '/') {
            re.append("(?:.*/)?"); // **/ matches zero or more directories
            i++;
          } else {
            re.append(".*");
          }
          continue;
        }
        re.append("[^/]*");
      } else if (c == '?') {
        re.append("[^/]");
      } else if (c == '[') {
        int end = pattern.indexOf(']', i + 1);
        if (end < 0) {
          re.append("\\[");
        } else {
          String cls = pattern.substring(i + 1, end);
          if (cls.startsWith("^") || cls.startsWith("!")) {
            cls = "^" + cls.substring(1);
          }
          re.append('[').append(cls.replace("\\", "\\\\")).append(']');
          i = end;
        }
      } else if (c == '\\' && i + 1 < pattern.length()) {
        re.append(Pattern.quote(String.valueOf(pattern.charAt(i + 1))));
        i++;
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
      i++;
    }
    return re.toString();
  }
}
