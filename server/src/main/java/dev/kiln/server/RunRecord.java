package dev.kiln.server;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run as the history holds it.
 *
 * @param source {@code github}, {@code gitlab}, {@code generic} or {@code schedule}
 * @param delivery the sender's delivery id
 * @param event {@code push}, {@code pull_request} or {@code schedule}
 * @param branch the pushed branch, a pull request's target, a schedule's branch
 * @param commit the commit that runs; null until known
 * @param base the commit changed files are counted from, or null
 * @param pullRequest the pull request's number, or null
 * @param trigger the pipeline's trigger that matched, described; null until known
 * @param tasks the tasks run (empty: the pipeline's default tasks)
 * @param params parameter values
 * @param exitCode as {@code kiln run}'s, or null while it runs
 * @param message why it ended as it did, or null
 */
public record RunRecord(long id, String source, String delivery, String event, String branch, String commit,
    String base, Long pullRequest, String trigger, List<String> tasks, Map<String, String> params, RunStatus status,
    Integer exitCode, String message, Instant queuedAt, Instant startedAt, Instant finishedAt) {
  public RunRecord {
    tasks = List.copyOf(tasks);
    params = Map.copyOf(params);
  }

  /** From start to end, or to now while it runs; empty before it starts. */
  public Optional<Duration> duration() {
    if (startedAt == null) {
      return Optional.empty();
    }
    return Optional.of(Duration.between(startedAt, finishedAt != null ? finishedAt : Instant.now()));
  }
}
