package dev.kiln.planner;

/**
 * What git's ignore files ignore inside one host directory, each path by itself: whether the
 * deciding rule for {@code path} (relative to the host directory, {@code /} separated) ignores it,
 * its parent directories aside ({@link PathPatterns} applies git's rule that nothing below an
 * ignored directory can be re-included). The executor implements it over the files on disk.
 */
@FunctionalInterface
public interface GitIgnored {
  /** Ignores nothing: outside a repository with no {@code .gitignore}, or in tests. */
  GitIgnored NONE = (path, isDir) -> false;

  /** Whether git's ignore rules, by themselves, ignore {@code path} (a directory when {@code isDir}). */
  boolean matched(String path, boolean isDir);
}
