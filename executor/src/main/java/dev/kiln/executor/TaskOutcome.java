package dev.kiln.executor;

import java.time.Duration;
import java.util.Optional;

/**
 * How one task of a run ended.
 *
 * @param task the task's name
 * @param status how it ended
 * @param duration wall time from start to end (zero when it never started)
 * @param cached true when every step came from the cache
 * @param error the failure, for {@code FAILED}
 */
public record TaskOutcome(String task, Status status, Duration duration, boolean cached, SolveException error) {
  /** How a task ended. */
  public enum Status {
    SUCCEEDED,
    FAILED,
    /** Stopped because another task failed, or by Ctrl-C. */
    CANCELLED,
    /** Never started: a task it depends on did not succeed. */
    SKIPPED
  }

  /** The failure, for {@code FAILED}. */
  public Optional<SolveException> failure() {
    return Optional.ofNullable(error);
  }
}
