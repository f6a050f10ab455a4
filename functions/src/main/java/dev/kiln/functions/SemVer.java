package dev.kiln.functions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A semantic version as defined by <a href="https://semver.org/spec/v2.0.0.html">SemVer 2.0.0</a>:
 * {@code MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]}, ordered by the specification's precedence.
 */
record SemVer(long major, long minor, long patch, List<String> preRelease, List<String> build)
    implements Comparable<SemVer> {

  // The regular expression semver.org itself recommends (section "Is there a suggested regular
  // expression"), so "valid" means exactly what the specification means.
  private static final Pattern FORMAT = Pattern.compile(
      "^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
          + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
          + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$");
  private static final Pattern NUMERIC = Pattern.compile("0|[1-9]\\d*");

  SemVer {
    preRelease = List.copyOf(preRelease);
    build = List.copyOf(build);
    if (major < 0 || minor < 0 || patch < 0) {
      throw new IllegalArgumentException("negative version number");
    }
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException saying what is wrong with it, with a hint where one helps
   */
  static SemVer parse(String text) {
    Objects.requireNonNull(text, "text");
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("`" + text + "` is not a semantic version: " + problem(text));
    }
    return new SemVer(number(text, m.group(1)), number(text, m.group(2)), number(text, m.group(3)),
        identifiers(m.group(4)), identifiers(m.group(5)));
  }

  /** Whether {@code text} is a semantic version. */
  static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String problem(String text) {
    String expected = "expected MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD], e.g. 1.4.2 or 2.0.0-rc.1+build.5";
    if (text.startsWith("v") || text.startsWith("V")) {
      return "the leading `" + text.charAt(0) + "` is not part of a version (write "
          + text.substring(1) + "; strip it from tags with `.drop(1)`)";
    }
    String core = text.split("[-+]", 2)[0];
    String[] parts = core.split("\\.", -1);
    if (parts.length != 3) {
      return "it has " + parts.length + " dot-separated number" + (parts.length == 1 ? "" : "s")
          + " before any `-` or `+`, not 3; " + expected;
    }
    for (String p : parts) {
      if (p.length() > 1 && p.startsWith("0") && p.chars().allMatch(Character::isDigit)) {
        return "`" + p + "` has a leading zero, which SemVer forbids";
      }
    }
    return expected;
  }

  private static long number(String text, String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("`" + text + "`: " + digits + " is too large for a version number");
    }
  }

  private static List<String> identifiers(String dotted) {
    return dotted == null ? List.of() : List.of(dotted.split("\\."));
  }

  /** Whether this is a pre-release (has a {@code -PRERELEASE} part). */
  boolean isPreRelease() {
    return !preRelease.isEmpty();
  }

  /**
   * This version bumped by {@code part}. Build metadata is dropped. Bumping a pre-release's part
   * releases it when nothing lower is set, as npm does: {@code 2.0.0-rc.1} bumped by {@code major}
   * is {@code 2.0.0}, not {@code 3.0.0}.
   */
  SemVer bump(Part part) {
    boolean pre = isPreRelease();
    return switch (part) {
      case MAJOR -> pre && minor == 0 && patch == 0
          ? new SemVer(major, 0, 0, List.of(), List.of())
          : new SemVer(Math.addExact(major, 1), 0, 0, List.of(), List.of());
      case MINOR -> pre && patch == 0
          ? new SemVer(major, minor, 0, List.of(), List.of())
          : new SemVer(major, Math.addExact(minor, 1), 0, List.of(), List.of());
      case PATCH -> pre
          ? new SemVer(major, minor, patch, List.of(), List.of())
          : new SemVer(major, minor, Math.addExact(patch, 1), List.of(), List.of());
      case PRE_RELEASE -> pre
          ? new SemVer(major, minor, patch, nextPreRelease(preRelease), List.of())
          : new SemVer(major, minor, Math.addExact(patch, 1), List.of("0"), List.of());
    };
  }

  private static List<String> nextPreRelease(List<String> ids) {
    List<String> next = new ArrayList<>(ids);
    for (int i = next.size() - 1; i >= 0; i--) {
      if (NUMERIC.matcher(next.get(i)).matches()) {
        next.set(i, Long.toString(Math.addExact(Long.parseLong(next.get(i)), 1)));
        return next;
      }
    }
    next.add("0");
    return next;
  }

  /** Precedence per SemVer 2.0.0 section 11; build metadata does not count. */
  @Override
  public int compareTo(SemVer o) {
    int c = Long.compare(major, o.major);
    if (c == 0) {
      c = Long.compare(minor, o.minor);
    }
    if (c == 0) {
      c = Long.compare(patch, o.patch);
    }
    if (c != 0) {
      return c;
    }
    // A pre-release version has lower precedence than the normal version.
    if (preRelease.isEmpty() || o.preRelease.isEmpty()) {
      return Boolean.compare(preRelease.isEmpty(), o.preRelease.isEmpty());
    }
    for (int i = 0; i < Math.min(preRelease.size(), o.preRelease.size()); i++) {
      c = compareIdentifiers(preRelease.get(i), o.preRelease.get(i));
      if (c != 0) {
        return c;
      }
    }
    // A larger set of pre-release fields has a higher precedence, all preceding ones being equal.
    return Integer.compare(preRelease.size(), o.preRelease.size());
  }

  private static int compareIdentifiers(String a, String b) {
    boolean numA = NUMERIC.matcher(a).matches();
    boolean numB = NUMERIC.matcher(b).matches();
    if (numA && numB) {
      // Numeric identifiers have no leading zeros and may exceed a long: longer is larger.
      return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
    }
    if (numA != numB) {
      return numA ? -1 : 1; // numeric identifiers have lower precedence than alphanumeric ones
    }
    return a.compareTo(b); // ASCII order
  }

  /** The parts as a pipeline sees them: numbers as {@code Long}, absent parts as {@code null}. */
  Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("major", major);
    map.put("minor", minor);
    map.put("patch", patch);
    map.put("preRelease", preRelease.isEmpty() ? null : String.join(".", preRelease));
    map.put("build", build.isEmpty() ? null : String.join(".", build));
    return map;
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch
        + (preRelease.isEmpty() ? "" : "-" + String.join(".", preRelease))
        + (build.isEmpty() ? "" : "+" + String.join(".", build));
  }

  /** A part of a version that {@link #bump} increments. */
  enum Part {
    MAJOR("major"), MINOR("minor"), PATCH("patch"), PRE_RELEASE("preRelease");

    final String word;

    Part(String word) {
      this.word = word;
    }

    static Part of(String word) {
      for (Part p : values()) {
        if (p.word.equals(word)) {
          return p;
        }
      }
      throw new IllegalArgumentException("cannot bump `" + word + "`; bump one of major, minor, patch, preRelease");
    }
  }
}
