package dev.kiln.model;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A glob over branch names or slash-separated file paths, as a trigger's filters write it: {@code *}
 * matches within one segment (never {@code /}), {@code **} across segments ({@code **}{@code /} also
 * matches no segment at all), {@code ?} one character other than {@code /}; everything else is itself.
 *
 * @param pattern the glob as written
 */
public record Glob(String pattern) {
  public Glob {
    Objects.requireNonNull(pattern, "pattern");
    if (pattern.isEmpty()) {
      throw new IllegalArgumentException("a glob cannot be empty");
    }
  }

  /** Whether {@code text} (a branch name, or a path relative to the repository root) matches the whole glob. */
  public boolean matches(String text) {
    return regex().matcher(text).matches();
  }

  private Pattern regex() {
    StringBuilder out = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c != '*' && c != '?') {
        literal.append(c);
        continue;
      }
      if (!literal.isEmpty()) {
        out.append(Pattern.quote(literal.toString()));
        literal.setLength(0);
      }
      if (c == '?') {
        out.append("[^/]");
      } else if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
        boolean slash = i + 2 < pattern.length() && pattern.charAt(i + 2) == '/';
        out.append(slash ? "(?:.*/)?" : ".*");
        i += slash ? 2 : 1;
      } else {
        out.append("[^/]*");
      }
    }
    if (!literal.isEmpty()) {
      out.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(out.toString(), Pattern.DOTALL);
  }

  @Override
  public String toString() {
    return pattern;
  }
}
