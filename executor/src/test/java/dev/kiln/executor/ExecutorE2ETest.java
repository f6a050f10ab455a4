package dev.kiln.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.executor.engine.Engines;
import dev.kiln.executor.secrets.SecretStore;
import dev.kiln.model.Container;
import dev.kiln.model.Directory;
import dev.kiln.model.Pipeline;
import dev.kiln.model.Task;
import dev.kiln.planner.Plan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kiln's entry point on the real engine: connect, probe, plan on the engine, run, cancel. */
@Tag("e2e")
class ExecutorE2ETest {
  @TempDir Path project;

  private ExecutorBuilder builder() {
    Engines.connect().close(); // fail or skip like every e2e test when there is no engine
    return ExecutorBuilder.unconfigured().setEngine(System.getenv("KILN_TEST_ENGINE"))
        .setEnvironment(System.getenv()).setProjectRoot(project);
  }

  private SecretStore noSecrets() {
    return new SecretStore(Map.of(), Map.of(), project);
  }

  @Test
  void plansOnTheEngineRunsAndSaysWhereTheTimeWent() throws Exception {
    String marker = UUID.randomUUID().toString();
    Files.writeString(project.resolve("in.txt"), marker);
    Pipeline pipeline = Pipeline.of(Task.run("copy", Container.from("busybox:latest")
        .withDirectory("/src", Directory.host("."))
        .withExec("sh", "-c", "mkdir -p /out && cp /src/in.txt /out/copied.txt")).withExport("/out", "build"));
    List<String> phases = new ArrayList<>();
    try (Executor executor = builder().setPhaseListener(phases::add).build()) {
      Plan plan = executor.plan(pipeline, List.of());
      assertThat(plan.engine().describe()).isEqualTo(executor.engine().capabilities().describe());
      RunReport report = executor.run(plan, noSecrets(), SecretMasker.none(), new PlanRunner.Listener() { });
      assertThat(report.succeeded()).isTrue();
    }
    assertThat(project.resolve("build/copied.txt")).hasContent(marker);
    assertThat(phases).containsExactly("connect", "probe", "plan", "run");
  }

  @Test
  void cancelStopsARunInProgressAndStartsNothingMore() throws Exception {
    String marker = UUID.randomUUID().toString();
    Pipeline pipeline = Pipeline.of(
        Task.run("slow", Container.from("busybox:latest").withExec("sh", "-c", "echo " + marker + "; sleep 60")),
        Task.run("after", Container.from("busybox:latest").withExec("true")).withDependsOn("slow"));
    CountDownLatch started = new CountDownLatch(1);
    try (Executor executor = builder().build()) {
      Plan plan = executor.plan(pipeline, List.of());
      long start = System.nanoTime();
      CompletableFuture<RunReport> run = CompletableFuture.supplyAsync(() ->
          executor.run(plan, noSecrets(), SecretMasker.none(), new PlanRunner.Listener() {
            @Override
            public void taskStarted(String task) {
              started.countDown();
            }
          }));
      assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
      executor.cancel();
      RunReport report = run.get(30, TimeUnit.SECONDS);
      assertThat(report.interrupted()).isTrue();
      assertThat(report.tasks()).extracting(TaskOutcome::status)
          .containsExactly(TaskOutcome.Status.CANCELLED, TaskOutcome.Status.SKIPPED);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(45));
    }
  }
}
