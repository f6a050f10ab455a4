package dev.kiln.executor;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which attempt of each running task this is, so that a failure's shell ({@code kiln run -i}) opens
 * only where no attempt follows: a command that exits non-zero runs again while attempts are left.
 */
final class TaskAttempts {
  private record Attempt(int number, int of) {}

  private final Map<String, Attempt> running = new ConcurrentHashMap<>();

  /** {@code task}'s attempt {@code number} of {@code of} begins. */
  void begin(String task, int number, int of) {
    running.put(task, new Attempt(number, of));
  }

  /** Whether {@code failure} of {@code task}'s current attempt will be followed by another attempt. */
  boolean retried(String task, SolveException failure) {
    return attemptsLeft(task) && LimitedTaskExecution.retriable(failure);
  }

  /** Whether attempts of {@code task} are left after the current one (a failed command runs again). */
  boolean attemptsLeft(String task) {
    Attempt a = running.get(task);
    return a != null && a.number() < a.of();
  }
}
