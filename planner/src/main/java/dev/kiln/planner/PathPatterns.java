package dev.kiln.planner;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code .dockerignore}-style patterns over relative, slash-separated paths: {@code *} and
 * {@code ?} within one path element, {@code **} across elements, {@code [...]} classes, and
 * {@code !} exceptions, the last matching pattern winning. A pattern that matches a directory
 * matches everything beneath it. The pattern {@link #GIT_RULES} stands for git's ignore files at its
 * place in the order: it matches what {@link GitIgnored} says git ignores, with git's rule that a
 * path below an ignored directory is ignored too.
 */
public final class PathPatterns {
  /**
   * The exclude pattern that stands for git's ignore rules, which the client applies while it walks
   * the directory (the nested {@code .gitignore} files are read there, not at plan time). As a
   * Docker pattern it names a path under Kiln's own directory, so an engine that read it would
   * exclude nothing a step uses.
   */
  public static final String GIT_RULES = ".kiln/gitignore";

  /** A pattern; {@code regex} is null for {@link #GIT_RULES}. */
  private record Rule(Pattern regex, boolean exception, String text) {}

  private final List<Rule> rules;
  private final boolean hasExceptions;
  private final GitIgnored git;

  private PathPatterns(List<Rule> rules, GitIgnored git) {
    this.rules = List.copyOf(rules);
    this.hasExceptions = rules.stream().anyMatch(Rule::exception);
    this.git = git;
  }

  /** Compiles {@code patterns}; blank ones are ignored, and {@link #GIT_RULES} matches nothing. */
  public static PathPatterns of(List<String> patterns) {
    return of(patterns, GitIgnored.NONE);
  }

  /** Compiles {@code patterns}, with {@code git} deciding for {@link #GIT_RULES}. */
  public static PathPatterns of(List<String> patterns, GitIgnored git) {
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
      boolean gitRules = !exception && p.equals(GIT_RULES);
      rules.add(new Rule(gitRules ? null : Pattern.compile(toRegex(p)), exception, raw));
    }
    return new PathPatterns(rules, git);
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  public boolean hasExceptions() {
    return hasExceptions;
  }

  /** Whether file {@code path} (or a directory above it) is matched, after exceptions. */
  public boolean matches(String path) {
    return matches(path, false);
  }

  /** Whether {@code path}, a directory when {@code isDir}, (or a directory above it) is matched. */
  public boolean matches(String path, boolean isDir) {
    boolean matched = false;
    List<String> prefixes = prefixes(path);
    for (Rule r : rules) {
      boolean hit = false;
      if (r.regex == null) {
        hit = gitIgnores(prefixes, isDir);
      }
      for (int i = 0; !hit && r.regex != null && i < prefixes.size(); i++) {
        hit = r.regex.matcher(prefixes.get(i)).matches();
      }
      if (hit) {
        matched = !r.exception;
      }
    }
    return matched;
  }

  /** Git's verdict: a directory above the path is ignored (nothing re-includes below it), or the path is. */
  private boolean gitIgnores(List<String> prefixes, boolean isDir) {
    for (int i = prefixes.size() - 1; i > 0; i--) {
      if (git.matched(prefixes.get(i), true)) {
        return true;
      }
    }
    return git.matched(prefixes.get(0), isDir);
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
