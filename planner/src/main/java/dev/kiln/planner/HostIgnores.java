package dev.kiln.planner;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The ignore patterns of one host directory: all of them, and all but git's, for a directory the
 * pipeline reads {@code withoutGitignore()}.
 *
 * @param all Kiln's own files, git's rules ({@link PathPatterns#GIT_RULES}), then the {@code
 *     .dockerignore} and {@code .kilnignore}
 * @param withoutGitignore the same without git's rules
 * @param git what git ignores in the directory, for the paths the planner asks about (a path the
 *     pipeline names, a changed file); the client applies the same rules to the whole tree
 */
public record HostIgnores(IgnoreFile all, IgnoreFile withoutGitignore, GitIgnored git) {
  /** No patterns. */
  public static final HostIgnores NONE = of(IgnoreFile.EMPTY);

  public HostIgnores {
    Objects.requireNonNull(all, "all");
    Objects.requireNonNull(withoutGitignore, "withoutGitignore");
    Objects.requireNonNull(git, "git");
  }

  /** The same patterns whether or not git's are honoured. */
  public static HostIgnores of(IgnoreFile patterns) {
    return new HostIgnores(patterns, patterns, GitIgnored.NONE);
  }

  /** The patterns that apply when git's ignore files are honoured, or not. */
  public IgnoreFile patterns(boolean gitignore) {
    return gitignore ? all : withoutGitignore;
  }

  /** The patterns that apply, compiled with git's verdicts. */
  public PathPatterns compiled(boolean gitignore, List<String> more) {
    var all = new ArrayList<>(patterns(gitignore).patterns());
    all.addAll(more);
    return PathPatterns.of(all, gitignore ? git : GitIgnored.NONE);
  }
}
