package dev.kiln.server;

import java.time.Instant;
import java.util.List;

/**
 * A task of a run as the history holds it.
 *
 * @param status {@code pending} (not started yet), {@code running}, {@code succeeded}, {@code failed},
 *     {@code cancelled} or {@code skipped}
 * @param durationMs how long it took, or null while it runs
 * @param steps how many steps the engine reported
 * @param cachedSteps how many of them came from the cache
 * @param exitCode a failed command's exit code, or null
 * @param error why it failed, or null
 * @param dependsOn the tasks of the run it waits for
 */
public record TaskRecord(long runId, String name, String status, Instant startedAt, Instant finishedAt,
    Long durationMs, int steps, int cachedSteps, Integer exitCode, String error, List<String> dependsOn) {

  public TaskRecord {
    dependsOn = List.copyOf(dependsOn);
  }
}
