package dev.kiln.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.executor.proto.control.Vertex;
import dev.kiln.model.TaskLimits;
import dev.kiln.planner.PlannedTask;
import com.google.protobuf.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Timeouts and retries around a task's work, with the work faked in-process. */
class LimitedTaskExecutionTest {
  private final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
  private final RunningSteps steps = new RunningSteps();
  private final PlanRunner.Listener listener = new PlanRunner.Listener() {
    @Override
    public void warning(String task, String message) {
      warnings.add(message);
    }
  };

  private static PlannedTask task(TaskLimits limits) {
    return new PlannedTask("t", "", List.of(), true, List.of(), new TreeSet<>(), new TreeSet<>(), List.of(), null,
        limits);
  }

  private static TaskOutcome failed(Integer exitCode) {
    return new TaskOutcome("t", TaskOutcome.Status.FAILED, Duration.ZERO, false,
        SolveException.builder("step failed").setExitCode(exitCode).build());
  }

  private static TaskOutcome succeeded() {
    return new TaskOutcome("t", TaskOutcome.Status.SUCCEEDED, Duration.ZERO, false, null);
  }

  /** An attempt that waits until it is interrupted, as a solve does until it is cancelled. */
  private static TaskOutcome hang() {
    try {
      Thread.sleep(60_000);
      return succeeded();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new TaskOutcome("t", TaskOutcome.Status.CANCELLED, Duration.ZERO, false, null);
    }
  }

  private final TaskAttempts attempts = new TaskAttempts();

  private TaskOutcome run(TaskLimits limits, Function<Integer, TaskOutcome> attempt) {
    AtomicInteger n = new AtomicInteger();
    TaskScheduler.TaskExecution inner = t -> attempt.apply(n.incrementAndGet());
    try (var limited = new LimitedTaskExecution(inner, steps, attempts, listener, () -> false)) {
      return limited.execute(task(limits));
    }
  }

  @Test
  void aCommandThatExitsNonZeroIsRunAgainUpToItsRetries() {
    TaskOutcome outcome = run(new TaskLimits(null, 2, false), n -> n < 3 ? failed(1) : succeeded());
    assertThat(outcome.status()).isEqualTo(TaskOutcome.Status.SUCCEEDED);
    assertThat(warnings).containsExactly("attempt 1 of 3 failed (exit code 1); running it again",
        "attempt 2 of 3 failed (exit code 1); running it again");
  }

  @Test
  void onlyTheLastAttemptsFailedCommandIsNotFollowedByAnother() {
    // what `kiln run -i` asks where a step fails, to open its shell only after the last attempt
    List<String> seen = new ArrayList<>();
    run(new TaskLimits(null, 2, false), n -> {
      seen.add(n + ":" + attempts.retried("t", failed(1).failure().orElseThrow()) + ","
          + attempts.retried("t", failed(null).failure().orElseThrow()));
      return failed(1);
    });
    assertThat(seen).containsExactly("1:true,false", "2:true,false", "3:false,false");
  }

  @Test
  void theLastAttemptsFailureIsTheTasks() {
    TaskOutcome outcome = run(new TaskLimits(null, 1, false), n -> failed(n));
    assertThat(outcome.status()).isEqualTo(TaskOutcome.Status.FAILED);
    assertThat(outcome.failure().orElseThrow().exitCode()).hasValue(2);
  }

  @Test
  void aFailureWithoutAnExitCodeIsNotRetried() {
    AtomicInteger attempts = new AtomicInteger();
    run(new TaskLimits(null, 3, false), n -> {
      attempts.incrementAndGet();
      return failed(null);
    });
    assertThat(attempts).hasValue(1);
    assertThat(warnings).isEmpty();
  }

  @Test
  void anAttemptPastItsTimeoutIsInterruptedAndFailsNamingTheStep() {
    long start = System.nanoTime();
    TaskOutcome outcome = run(new TaskLimits(Duration.ofMillis(200), 0, false), n -> {
      Instant began = Instant.now().minusSeconds(3);
      steps.status("t", null, StatusResponse.newBuilder().addVertexes(Vertex.newBuilder().setDigest("sha256:a")
          .setName("[test] sleep 60").setStarted(Timestamp.newBuilder().setSeconds(began.getEpochSecond()))).build());
      return hang();
    });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    assertThat(outcome.status()).isEqualTo(TaskOutcome.Status.FAILED);
    assertThat(outcome.failure().orElseThrow().getMessage())
        .startsWith("task t timed out after 0.2 s in step `[test] sleep 60`, which had run for ");
    assertThat(Thread.currentThread().isInterrupted()).as("the alarm's interrupt is spent").isFalse();
  }

  @Test
  void aTimeoutIsRetriedOnlyWhenAsked() {
    AtomicInteger attempts = new AtomicInteger();
    Function<Integer, TaskOutcome> hang = n -> {
      attempts.incrementAndGet();
      return hang();
    };
    run(new TaskLimits(Duration.ofMillis(100), 2, false), hang);
    assertThat(attempts).hasValue(1);
    attempts.set(0);
    run(new TaskLimits(Duration.ofMillis(100), 2, true), hang);
    assertThat(attempts).hasValue(3);
  }

  @Test
  void aTaskThatFinishesInTimeIsUntouched() {
    TaskOutcome outcome = run(new TaskLimits(Duration.ofSeconds(30), 0, false), n -> succeeded());
    assertThat(outcome.status()).isEqualTo(TaskOutcome.Status.SUCCEEDED);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }
}
