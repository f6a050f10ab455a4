package dev.kiln.executor;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The results of a run's tasks that succeeded so far, for the placeholders of later calls (on the
 * host they are in {@code .kiln/results/<task>/}, written with the task's exports: see {@code
 * exports.ExportSet}).
 */
final class ResultStore {
  /** The largest result a task or a function may return: results are small values, not artifacts. */
  static final int MAX_RESULT = 64 * 1024;

  /** The results of the tasks that succeeded so far, by task. */
  private final Map<String, Map<String, String>> results = new ConcurrentHashMap<>();

  /** Keeps a succeeded task's results for the tasks after it. */
  void record(TaskOutcome outcome) {
    if (outcome.status() == TaskOutcome.Status.SUCCEEDED) {
      results.put(outcome.task(), outcome.results());
    }
  }

  /** The results of the tasks that succeeded so far, by task and name. */
  Map<String, Map<String, String>> upstream() {
    return Map.copyOf(results);
  }
}
