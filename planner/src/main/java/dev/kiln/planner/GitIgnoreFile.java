package dev.kiln.planner;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The rules of one {@code .gitignore} (or {@code info/exclude}), matched as git matches them
 * (gitignore(5)): a pattern without a slash but a trailing one matches a name at any depth, any
 * other is anchored at the file's directory; {@code *}, {@code ?} and {@code [...]} stay within one
 * path element, {@code **}{@code /}, {@code /**}{@code /} and a trailing {@code /**} cross them; a
 * trailing {@code /} matches directories only; {@code !} re-includes; the last matching rule wins.
 * Parsed from text: the caller reads the file.
 */
public final class GitIgnoreFile {
  /** How the file decides a path. */
  public enum Verdict { NONE, IGNORED, KEPT }

  private record Rule(Pattern regex, boolean negated, boolean dirOnly, boolean basename) {}

  /** A file without rules. */
  public static final GitIgnoreFile EMPTY = new GitIgnoreFile(List.of());

  private final List<Rule> rules;

  private GitIgnoreFile(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** Parses {@code .gitignore} text; a line git would not understand matches nothing, as in git. */
  public static GitIgnoreFile parse(String text) {
    List<Rule> rules = new ArrayList<>();
    for (String raw : text.split("\r?\n")) {
      String line = trimTrailingSpaces(raw);
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      boolean negated = line.startsWith("!");
      String p = negated ? line.substring(1) : line;
      boolean dirOnly = p.endsWith("/");
      if (dirOnly) {
        p = p.substring(0, p.length() - 1);
      }
      if (p.isEmpty()) {
        continue;
      }
      boolean basename = p.indexOf('/') < 0;
      if (p.startsWith("/")) {
        p = p.substring(1);
      }
      String regex = toRegex(p);
      if (regex != null) {
        rules.add(new Rule(Pattern.compile(regex, Pattern.DOTALL), negated, dirOnly, basename));
      }
    }
    return new GitIgnoreFile(rules);
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  /** How this file decides {@code path}, relative to its directory. */
  public Verdict decide(String path, boolean isDir) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    for (int i = rules.size() - 1; i >= 0; i--) {
      Rule r = rules.get(i);
      if ((!r.dirOnly || isDir) && r.regex.matcher(r.basename ? name : path).matches()) {
        return r.negated ? Verdict.KEPT : Verdict.IGNORED;
      }
    }
    return Verdict.NONE;
  }

  /** Trailing spaces go unless a backslash escapes them. */
  private static String trimTrailingSpaces(String line) {
    int end = line.length();
    while (end > 0 && line.charAt(end - 1) == ' ' && !(end > 1 && line.charAt(end - 2) == '\\')) {
      end--;
    }
    return line.substring(0, end);
  }

  /** A wildmatch pattern (with git's path rules) as a regular expression; null when it matches nothing. */
  static String toRegex(String p) {
    StringBuilder re = new StringBuilder();
    int n = p.length();
    for (int i = 0; i < n; i++) {
      char c = p.charAt(i);
      if (c == '*') {
        int j = i;
        while (j < n && p.charAt(j) == '*') {
          j++;
        }
        boolean doubled = j - i >= 2 && (i == 0 || p.charAt(i - 1) == '/') && (j == n || p.charAt(j) == '/');
        if (doubled && j == n) {
          re.append(".*"); // "x/**": everything inside
        } else if (doubled) {
          re.append("(?:[^/]*/)*"); // "**/": zero or more directories
          j++;
        } else {
          re.append("[^/]*");
        }
        i = j - 1;
      } else if (c == '?') {
        re.append("[^/]");
      } else if (c == '[') {
        int end = bracketEnd(p, i);
        if (end < 0) {
          return null; // git: an unterminated class matches nothing
        }
        re.append(bracket(p.substring(i + 1, end)));
        i = end;
      } else if (c == '\\') {
        if (i + 1 == n) {
          return null; // a trailing backslash matches nothing
        }
        re.append(Pattern.quote(String.valueOf(p.charAt(++i))));
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return re.toString();
  }

  /** The index of the {@code ]} closing the class opened at {@code open}, or -1. */
  private static int bracketEnd(String p, int open) {
    int i = open + 1;
    if (i < p.length() && (p.charAt(i) == '!' || p.charAt(i) == '^')) {
      i++;
    }
    if (i < p.length() && p.charAt(i) == ']') {
      i++; // a leading ] is a member
    }
    for (; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '[' && i + 1 < p.length() && p.charAt(i + 1) == ':') {
        int close = p.indexOf(":]", i + 2);
        if (close > 0) {
          i = close + 1;
        }
      } else if (c == ']') {
        return i;
      }
    }
    return -1;
  }

  private static String bracket(String body) {
    StringBuilder re = new StringBuilder("[");
    int i = 0;
    if (!body.isEmpty() && (body.charAt(0) == '!' || body.charAt(0) == '^')) {
      re.append('^');
      i = 1;
    }
    for (; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '[' && body.startsWith("[:", i) && body.indexOf(":]", i + 2) > 0) {
        int close = body.indexOf(":]", i + 2);
        re.append(posixClass(body.substring(i + 2, close)));
        i = close + 1;
      } else if (c == '\\' && i + 1 < body.length()) {
        re.append(member(body.charAt(++i)));
      } else if (c == '-' && i > 0 && i + 1 < body.length()) {
        re.append('-');
      } else {
        re.append(member(c));
      }
    }
    return "(?!/)" + re.append(']'); // a class never matches the separator
  }

  private static String member(char c) {
    return Character.isLetterOrDigit(c) ? String.valueOf(c) : "\\" + c;
  }

  private static String posixClass(String name) {
    return switch (name) {
      case "alpha" -> "\\p{Alpha}";
      case "digit" -> "\\p{Digit}";
      case "alnum" -> "\\p{Alnum}";
      case "upper" -> "\\p{Upper}";
      case "lower" -> "\\p{Lower}";
      case "space" -> "\\s";
      case "punct" -> "\\p{Punct}";
      case "xdigit" -> "\\p{XDigit}";
      case "blank" -> " \\t";
      default -> "\\x{0}"; // git: an unknown class matches nothing (near enough)
    };
  }
}
