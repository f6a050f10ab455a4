package dev.kiln.model;

import java.time.Duration;
import java.util.Optional;

/**
 * How long a task may run and how often it is run again after it fails.
 *
 * @param timeout the longest a task's attempt may take, or null for no limit
 * @param retries how many more attempts a task gets after a command in it exits non-zero
 * @param retryAfterTimeout whether an attempt that timed out is retried too
 */
public record TaskLimits(Duration timeout, int retries, boolean retryAfterTimeout) {
  /** No timeout, no retries. */
  public static final TaskLimits NONE = new TaskLimits(null, 0, false);

  public TaskLimits {
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    if (retries < 0) {
      throw new IllegalArgumentException("retries must not be negative: " + retries);
    }
  }

  /** The timeout, when there is one. */
  public Optional<Duration> maybeTimeout() {
    return Optional.ofNullable(timeout);
  }

  /** How many attempts the task gets at most. */
  public int attempts() {
    return retries + 1;
  }
}
