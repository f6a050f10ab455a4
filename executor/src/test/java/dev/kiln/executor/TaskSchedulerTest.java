package dev.kiln.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.planner.PlannedTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The task scheduler without an engine: tasks are functions that wait on latches. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TaskSchedulerTest {
  private static final TaskOutcome.Status OK = TaskOutcome.Status.SUCCEEDED;
  private static final TaskOutcome.Status FAILED = TaskOutcome.Status.FAILED;
  private static final TaskOutcome.Status CANCELLED = TaskOutcome.Status.CANCELLED;
  private static final TaskOutcome.Status SKIPPED = TaskOutcome.Status.SKIPPED;

  private static PlannedTask task(String name, String... dependsOn) {
    return new PlannedTask(name, "", List.of(dependsOn), true, List.of(), new TreeSet<>(), new TreeSet<>());
  }

  private static TaskOutcome outcome(String task, TaskOutcome.Status status) {
    SolveException error = status == FAILED ? SolveException.builder(task + " failed").setExitCode(1).build() : null;
    return new TaskOutcome(task, status, Duration.ZERO, false, error);
  }

  /** A run's events, in the order they happened: "start x", "end x", "finished x STATUS". */
  private static class Recorder implements TaskScheduler.TaskExecution {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final Map<String, TaskOutcome.Status> finished = new ConcurrentHashMap<>();
    final AtomicInteger now = new AtomicInteger();
    final AtomicInteger most = new AtomicInteger();
    private final Function<String, TaskOutcome.Status> work;

    Recorder(Function<String, TaskOutcome.Status> work) {
      this.work = work;
    }

    @Override
    public TaskOutcome execute(PlannedTask task) {
      events.add("start " + task.name());
      most.accumulateAndGet(now.incrementAndGet(), Math::max);
      try {
        return outcome(task.name(), work.apply(task.name()));
      } finally {
        now.decrementAndGet();
        events.add("end " + task.name());
      }
    }

    @Override
    public void finished(TaskOutcome outcome) {
      events.add("finished " + outcome.task() + " " + outcome.status());
      finished.put(outcome.task(), outcome.status());
    }

    int index(String event) {
      synchronized (events) {
        return events.indexOf(event);
      }
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e); // a cancelled task
    }
  }

  private static TaskOutcome.Status awaitOrCancelled(CountDownLatch latch) {
    try {
      latch.await();
      return OK;
    } catch (InterruptedException e) {
      return CANCELLED;
    }
  }

  @Test
  void eachTaskStartsAfterEveryTaskItDependsOnAndReadyTasksStartInPlanOrder() {
    List<PlannedTask> plan = List.of(task("a"), task("b"), task("c"), task("d", "a", "b"), task("e", "d", "c"));
    Recorder r = new Recorder(name -> OK);
    RunReport report = new TaskScheduler(1, false).run(plan, r);
    assertThat(report.succeeded()).isTrue();
    assertThat(report.tasks()).extracting(TaskOutcome::task).containsExactly("a", "b", "c", "d", "e");
    assertThat(r.events).filteredOn(e -> e.startsWith("start"))
        .containsExactly("start a", "start b", "start c", "start d", "start e");

    Recorder wide = new Recorder(name -> OK);
    assertThat(new TaskScheduler(4, false).run(plan, wide).succeeded()).isTrue();
    for (PlannedTask t : plan) {
      for (String dep : t.dependsOn()) {
        assertThat(wide.index("finished " + dep + " SUCCEEDED")).as(dep + " before " + t.name())
            .isLessThan(wide.index("start " + t.name()));
      }
    }
  }

  @Test
  void noMoreThanParallelTasksRunAtOnce() throws Exception {
    List<PlannedTask> plan = new ArrayList<>();
    Map<String, CountDownLatch> release = new ConcurrentHashMap<>();
    for (int i = 0; i < 6; i++) {
      plan.add(task("t" + i));
      release.put("t" + i, new CountDownLatch(1));
    }
    Semaphore started = new Semaphore(0);
    Recorder r = new Recorder(name -> {
      started.release();
      await(release.get(name));
      return OK;
    });
    CompletableFuture<RunReport> run = CompletableFuture.supplyAsync(() -> new TaskScheduler(2, false).run(plan, r));
    started.acquire(2);
    for (int i = 0; i < 6; i++) {
      assertThat(r.now.get()).isLessThanOrEqualTo(2);
      // Let the oldest go; then the next one starts in its place.
      release.get("t" + i).countDown();
      if (i + 2 < 6) {
        started.acquire();
      }
    }
    assertThat(run.join().succeeded()).isTrue();
    assertThat(r.most).as("most tasks at once").hasValue(2);
  }

  @Test
  void aFailureCancelsRunningTasksAndSkipsEveryDependent() {
    CountDownLatch slowStarted = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    List<PlannedTask> plan = List.of(task("bad"), task("slow"), task("after", "bad"), task("later", "after"),
        task("afterSlow", "slow"), task("queued"));
    Recorder r = new Recorder(name -> switch (name) {
      case "bad" -> {
        await(slowStarted);
        yield FAILED;
      }
      case "slow" -> {
        slowStarted.countDown();
        yield awaitOrCancelled(never);
      }
      default -> OK;
    });
    RunReport report = new TaskScheduler(2, false).run(plan, r);
    assertThat(r.finished).containsEntry("bad", FAILED).containsEntry("slow", CANCELLED)
        .containsEntry("after", SKIPPED).containsEntry("later", SKIPPED).containsEntry("afterSlow", SKIPPED)
        .containsEntry("queued", CANCELLED);
    assertThat(r.events).doesNotContain("start after", "start queued");
    assertThat(report.failures()).extracting(TaskOutcome::task).containsExactly("bad");
    Map<String, TaskOutcome> byName = new HashMap<>();
    report.tasks().forEach(t -> byName.put(t.task(), t));
    assertThat(byName.get("after").reason()).isEqualTo("needs bad (failed)");
    assertThat(byName.get("later").reason()).isEqualTo("needs after (skipped)");
    assertThat(byName.get("afterSlow").reason()).isEqualTo("needs slow (cancelled)");
    assertThat(byName.get("queued").reason()).isEqualTo("task bad failed");
    assertThat(byName.get("slow").reason()).isEqualTo("task bad failed");
    assertThat(byName.get("slow").duration()).isPositive(); // how long it ran before it was stopped
    assertThat(report.interrupted()).isFalse();
  }

  @Test
  void keepGoingLetsUnrelatedTasksFinishAndSkipsOnlyDependents() {
    CountDownLatch badFinished = new CountDownLatch(1);
    List<PlannedTask> plan = List.of(task("bad"), task("other"), task("after", "bad"), task("afterOther", "other"));
    Recorder r = new Recorder(name -> switch (name) {
      case "bad" -> FAILED;
      case "other" -> {
        await(badFinished); // still running when the failure is known
        yield OK;
      }
      default -> OK;
    }) {
      @Override
      public void finished(TaskOutcome outcome) {
        super.finished(outcome);
        if (outcome.task().equals("bad")) {
          badFinished.countDown();
        }
      }
    };
    RunReport report = new TaskScheduler(4, true).run(plan, r);
    assertThat(r.finished).containsEntry("bad", FAILED).containsEntry("other", OK).containsEntry("after", SKIPPED)
        .containsEntry("afterOther", OK);
    assertThat(report.succeeded()).isFalse();
  }

  @Test
  void cancellingStopsRunningTasksAndStartsNoMore() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    List<PlannedTask> plan = List.of(task("running"), task("waiting"), task("dependent", "running"));
    Recorder r = new Recorder(name -> {
      started.countDown();
      return awaitOrCancelled(never);
    });
    TaskScheduler scheduler = new TaskScheduler(1, true);
    CompletableFuture<RunReport> run = CompletableFuture.supplyAsync(() -> scheduler.run(plan, r));
    started.await();
    scheduler.cancel();
    RunReport report = run.get(30, TimeUnit.SECONDS);
    assertThat(report.interrupted()).isTrue();
    assertThat(r.finished).containsEntry("running", CANCELLED).containsEntry("waiting", CANCELLED)
        .containsEntry("dependent", SKIPPED);
    assertThat(report.tasks()).extracting(TaskOutcome::reason)
        .containsExactly("the run was interrupted", "the run was interrupted", "needs running (cancelled)");
    assertThat(r.events).filteredOn(e -> e.startsWith("start")).containsExactly("start running");
  }

  @Test
  void aSchedulerCancelledBeforeItsRunStartsNothing() {
    TaskScheduler scheduler = new TaskScheduler(2, false);
    scheduler.cancel();
    Recorder r = new Recorder(name -> OK);
    RunReport report = scheduler.run(List.of(task("a"), task("b", "a")), r);
    assertThat(r.events).noneMatch(e -> e.startsWith("start"));
    assertThat(report.interrupted()).isTrue();
    assertThat(report.tasks()).extracting(TaskOutcome::status).containsExactly(CANCELLED, SKIPPED);
  }

  @Test
  void anErrorThatEndsTheRunReachesTheCaller() {
    Recorder r = new Recorder(name -> {
      throw new EngineUnavailableException("lost the BuildKit engine", List.of("x"), null, null);
    });
    assertThatThrownBy(() -> new TaskScheduler(1, false).run(List.of(task("a")), r))
        .isInstanceOf(EngineUnavailableException.class);
  }

  @Test
  void aSchedulerRunsOnePlanOnly() {
    TaskScheduler scheduler = new TaskScheduler(1, false);
    scheduler.run(List.of(task("a")), new Recorder(name -> OK));
    assertThatThrownBy(() -> scheduler.run(List.of(task("a")), new Recorder(name -> OK)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("one plan");
  }

  @Test
  void aChainOfTwelveThousandTasksRunsInOrderWithoutDeepStacks() {
    List<PlannedTask> plan = new ArrayList<>();
    plan.add(task("t0"));
    for (int i = 1; i < 12_000; i++) {
      plan.add(task("t" + i, "t" + (i - 1)));
    }
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    RunReport report = new TaskScheduler(4, false).run(plan, task -> {
      order.add(task.name());
      return outcome(task.name(), OK);
    });
    assertThat(report.succeeded()).isTrue();
    assertThat(order).hasSize(12_000).startsWith("t0", "t1", "t2").endsWith("t11998", "t11999");
    assertThat(order).isEqualTo(plan.stream().map(PlannedTask::name).toList());
  }
}
