package dev.kiln.executor;

import dev.kiln.model.TaskLimits;
import dev.kiln.planner.PlannedTask;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A task's work under its {@link TaskLimits}: an attempt still running at the timeout is cancelled
 * (its thread interrupted, which cancels its solve or call) and fails; an attempt that failed
 * because a command exited non-zero, or timed out when the task allows it, runs again.
 */
final class LimitedTaskExecution implements TaskScheduler.TaskExecution, AutoCloseable {
  private final TaskScheduler.TaskExecution inner;
  private final RunningSteps steps;
  private final TaskAttempts attempts;
  private final PlanRunner.Listener listener;
  private final BooleanSupplier runCancelled;
  private final ScheduledExecutorService alarms = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "kiln-task-timeout");
    t.setDaemon(true);
    return t;
  });

  LimitedTaskExecution(TaskScheduler.TaskExecution inner, RunningSteps steps, TaskAttempts attempts,
      PlanRunner.Listener listener, BooleanSupplier runCancelled) {
    this.inner = inner;
    this.steps = steps;
    this.attempts = attempts;
    this.listener = listener;
    this.runCancelled = runCancelled;
  }

  @Override
  public TaskOutcome execute(PlannedTask task) {
    TaskLimits limits = task.limits();
    long start = System.nanoTime();
    for (int attempt = 1; ; attempt++) {
      steps.forget(task.name());
      attempts.begin(task.name(), attempt, limits.attempts());
      Attempt a = new Attempt(Thread.currentThread());
      ScheduledFuture<?> alarm = limits.maybeTimeout()
          .map(t -> alarms.schedule(a::expire, t.toNanos(), TimeUnit.NANOSECONDS)).orElse(null);
      TaskOutcome outcome;
      try {
        outcome = inner.execute(task);
      } finally {
        if (alarm != null) {
          alarm.cancel(false);
        }
      }
      boolean timedOut = a.finish() && outcome.status() != TaskOutcome.Status.SUCCEEDED && !runCancelled.getAsBoolean();
      if (timedOut) {
        Thread.interrupted(); // the alarm's interrupt, spent: the task goes on as a failure
        outcome = timedOut(task, limits.timeout(), outcome);
      }
      boolean again = attempt < limits.attempts() && !runCancelled.getAsBoolean()
          && !Thread.currentThread().isInterrupted()
          && (timedOut ? limits.retryAfterTimeout() : exitedNonZero(outcome));
      if (!again) {
        return attempt == 1 ? outcome : withDuration(outcome, Duration.ofNanos(System.nanoTime() - start));
      }
      listener.warning(task.name(), "attempt " + attempt + " of " + limits.attempts() + " failed ("
          + why(outcome) + "); running it again");
    }
  }

  @Override
  public void finished(TaskOutcome outcome) {
    inner.finished(outcome);
  }

  @Override
  public void close() {
    alarms.shutdownNow();
  }

  /** A failed command, the one failure that running again may mend. */
  private static boolean exitedNonZero(TaskOutcome outcome) {
    return outcome.status() == TaskOutcome.Status.FAILED && outcome.failure().map(LimitedTaskExecution::retriable)
        .orElse(false);
  }

  /** Whether an attempt that failed with {@code e} runs again, while attempts are left. */
  static boolean retriable(SolveException e) {
    return e.exitCode().isPresent() && e.exitCode().getAsInt() != 0;
  }

  private static String why(TaskOutcome outcome) {
    return outcome.failure().map(e -> e.exitCode().isPresent() ? "exit code " + e.exitCode().getAsInt()
        : e.getMessage()).orElse(outcome.status().name().toLowerCase(Locale.ROOT));
  }

  private TaskOutcome timedOut(PlannedTask task, Duration timeout, TaskOutcome outcome) {
    String where = steps.latest(task.name())
        .map(s -> " in step `" + s.name() + "`, which had run for " + DurationText.of(s.ranFor(Instant.now())))
        .orElse("");
    SolveException.Builder error = SolveException.builder("task " + task.name() + " timed out after "
        + DurationText.of(timeout) + where + "; it was cancelled")
        .setHint("raise the task's `timeout`, or find what the step waits for");
    steps.latest(task.name()).ifPresent(s -> error.setStep(s.name()));
    return new TaskOutcome(task.name(), TaskOutcome.Status.FAILED, outcome.duration(), false, error.build(),
        outcome.results(), outcome.published(), "");
  }

  private static TaskOutcome withDuration(TaskOutcome o, Duration d) {
    return new TaskOutcome(o.task(), o.status(), d, o.cached(), o.error(), o.results(), o.published(), o.reason());
  }

  /** One attempt's race between finishing and its alarm: the alarm interrupts only a running attempt. */
  private static final class Attempt {
    private final Thread worker;
    private boolean done;
    private boolean expired;

    Attempt(Thread worker) {
      this.worker = worker;
    }

    synchronized void expire() {
      if (!done) {
        expired = true;
        worker.interrupt();
      }
    }

    /** Ends the attempt; whether its alarm went off first. */
    synchronized boolean finish() {
      done = true;
      return expired;
    }
  }
}
