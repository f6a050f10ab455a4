package dev.kiln.planner;

import java.util.Objects;

/**
 * The ignore patterns of one host directory: all of them, and all but git's, for a directory the
 * pipeline reads {@code withoutGitignore()}.
 *
 * @param all Kiln's own files, what git ignores, then the {@code .dockerignore} and {@code .kilnignore}
 * @param withoutGitignore the same without what git ignores
 */
public record HostIgnores(IgnoreFile all, IgnoreFile withoutGitignore) {
  /** No patterns. */
  public static final HostIgnores NONE = new HostIgnores(IgnoreFile.EMPTY, IgnoreFile.EMPTY);

  public HostIgnores {
    Objects.requireNonNull(all, "all");
    Objects.requireNonNull(withoutGitignore, "withoutGitignore");
  }

  /** The same patterns whether or not git's are honoured. */
  public static HostIgnores of(IgnoreFile patterns) {
    return new HostIgnores(patterns, patterns);
  }

  /** The patterns that apply when git's ignore files are honoured, or not. */
  public IgnoreFile patterns(boolean gitignore) {
    return gitignore ? all : withoutGitignore;
  }
}
