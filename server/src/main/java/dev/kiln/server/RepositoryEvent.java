package dev.kiln.server;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a webhook delivery says happened in the repository: a push to a branch, or a pull request
 * opened or updated. Commits are full hexadecimal object names.
 */
public sealed interface RepositoryEvent permits RepositoryEvent.Push, RepositoryEvent.PullRequest {
  Pattern COMMIT = Pattern.compile("[0-9a-f]{40}([0-9a-f]{24})?");

  /** The branch the event is about: the pushed branch, or a pull request's target. */
  String branch();

  /** The commit to run. */
  String commit();

  /** The commit the changed files are counted from, or null when there is none (a new branch). */
  String base();

  /** {@code push} or {@code pull_request}, as the history stores it. */
  String kind();

  /**
   * A push.
   *
   * @param branch the branch pushed to (without {@code refs/heads/})
   * @param before the branch's commit before the push; null for a new branch
   * @param after the branch's commit after the push
   */
  record Push(String branch, String before, String after) implements RepositoryEvent {
    public Push {
      Objects.requireNonNull(branch, "branch");
      requireCommit(after);
      if (before != null) {
        requireCommit(before);
      }
    }

    @Override
    public String commit() {
      return after;
    }

    @Override
    public String base() {
      return before;
    }

    @Override
    public String kind() {
      return "push";
    }
  }

  /**
   * A pull (merge) request opened, reopened or updated.
   *
   * @param number its number in the repository
   * @param branch its target branch
   * @param baseCommit the target branch's commit it is compared with
   * @param headCommit its latest commit, which runs
   */
  record PullRequest(long number, String branch, String baseCommit, String headCommit) implements RepositoryEvent {
    public PullRequest {
      Objects.requireNonNull(branch, "branch");
      requireCommit(headCommit);
      if (baseCommit != null) {
        requireCommit(baseCommit);
      }
    }

    @Override
    public String commit() {
      return headCommit;
    }

    @Override
    public String base() {
      return baseCommit;
    }

    @Override
    public String kind() {
      return "pull_request";
    }
  }

  private static void requireCommit(String commit) {
    if (commit == null || !COMMIT.matcher(commit).matches()) {
      throw new IllegalArgumentException("not a commit: " + commit);
    }
  }
}
