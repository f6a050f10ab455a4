package dev.kiln.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.executor.EngineUnavailableException;
import dev.kiln.executor.PlanRunner;
import dev.kiln.executor.RunReport;
import dev.kiln.executor.TaskOutcome;
import dev.kiln.model.Container;
import dev.kiln.model.Pipeline;
import dev.kiln.model.Task;
import dev.kiln.planner.EngineCapabilities;
import dev.kiln.planner.Plan;
import dev.kiln.planner.PlannerBuilder;
import dev.kiln.planner.llb.Definition;
import dev.kiln.executor.proto.control.StatusResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Docker's real engine behind a {@link FaultyRelay}: frozen in the middle of a step, the run ends
 * as "stopped answering" within the liveness bound; a long step that prints nothing on an engine
 * that answers is not mistaken for a stall; cut, the run ends at once as "lost".
 */
@Tag("e2e")
@Timeout(180)
class EngineStallE2ETest {
  /** Liveness quicker than Kiln's: 1 s of silence, 5 s to answer (room for a loaded machine). */
  private static final CallPolicy QUICK = new CallPolicy(CallPolicy.DEFAULT.answer(),
      new CallPolicy.Liveness(Duration.ofSeconds(1), Duration.ofSeconds(5)));

  @TempDir Path dir;

  private static Plan plan(String script) {
    Pipeline p = Pipeline.of(Task.run("step", Container.from("busybox:latest").withExec("sh", "-c", script)));
    return PlannerBuilder.preconfigured().setEngineCapabilities(EngineCapabilities.dockerV20_10()).build()
        .plan(p, List.of());
  }

  /** Runs {@code plan}; {@code started} counts down when the step's first line arrives. */
  private RunReport run(BuildkitConnection c, Plan plan, CountDownLatch started) {
    return new PlanRunner(c, d -> List.of(), new PlanRunner.Options(1, false, dir, "t"), new PlanRunner.Listener() {
      @Override
      public void status(String task, Definition definition, StatusResponse update) {
        if (update.getLogsCount() > 0) {
          started.countDown();
        }
      }
    }).run(plan);
  }

  /** Starts a thread that does {@code fault} once the step has printed, noting when in {@code at[0]}. */
  private static Thread once(CountDownLatch started, long[] at, Runnable fault) {
    Thread t = new Thread(() -> {
      try {
        if (started.await(60, TimeUnit.SECONDS)) {
          at[0] = System.nanoTime();
          fault.run();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    t.start();
    return t;
  }

  private FaultyRelay relay() throws Exception {
    Engines.connect().close(); // fail or skip like every e2e test when there is no engine
    return new FaultyRelay(dir.resolve("docker.sock"), EngineAddress.parse("docker:///var/run/docker.sock"));
  }

  @Test
  void anEngineFrozenMidStepIsFoundStalledWithinTheLivenessBound() throws Exception {
    Plan plan = plan("echo " + UUID.randomUUID() + "; sleep 60");
    CountDownLatch started = new CountDownLatch(1);
    try (FaultyRelay relay = relay();
        BuildkitConnection c = BuildkitConnection.open(relay.address(EngineAddress.Kind.DOCKER), QUICK)) {
      long[] frozenAt = new long[1];
      Thread freezer = once(started, frozenAt, relay::freeze);
      assertThatThrownBy(() -> run(c, plan, started)).isInstanceOf(EngineUnavailableException.class)
          .hasMessageStartingWith("the BuildKit engine stopped answering");
      long after = Duration.ofNanos(System.nanoTime() - frozenAt[0]).toMillis();
      freezer.join();
      // silence (1 s) and probe (5 s) at least; far less than the step's 60 s, with room for a loaded machine
      assertThat(after).as("ms from the freeze to the error").isBetween(5_500L, 30_000L);
    }
  }

  @Test
  void aLongSilentStepOnAnEngineThatAnswersIsNotAStall() throws Exception {
    Plan plan = plan("echo " + UUID.randomUUID() + "; sleep 6; echo done");
    try (FaultyRelay relay = relay();
        BuildkitConnection c = BuildkitConnection.open(relay.address(EngineAddress.Kind.DOCKER), QUICK)) {
      RunReport report = run(c, plan, new CountDownLatch(1));
      assertThat(report.tasks()).extracting(TaskOutcome::status).containsExactly(TaskOutcome.Status.SUCCEEDED);
    }
  }

  @Test
  void anEngineCutMidStepIsLostAtOnce() throws Exception {
    Plan plan = plan("echo " + UUID.randomUUID() + "; sleep 60");
    CountDownLatch started = new CountDownLatch(1);
    try (FaultyRelay relay = relay();
        BuildkitConnection c = BuildkitConnection.open(relay.address(EngineAddress.Kind.DOCKER), CallPolicy.DEFAULT)) {
      long[] cutAt = new long[1];
      Thread cutter = once(started, cutAt, relay::cut);
      assertThatThrownBy(() -> run(c, plan, started)).isInstanceOf(EngineUnavailableException.class)
          .hasMessageContaining("lost the BuildKit engine");
      long after = Duration.ofNanos(System.nanoTime() - cutAt[0]).toMillis();
      cutter.join();
      assertThat(after).as("ms from the cut to the error").isLessThan(3_000);
    }
  }
}
