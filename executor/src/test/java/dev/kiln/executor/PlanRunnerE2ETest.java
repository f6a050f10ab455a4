package dev.kiln.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.executor.auth.DockerCredentials;
import dev.kiln.executor.engine.BuildkitConnection;
import dev.kiln.executor.engine.EngineImageConfigs;
import dev.kiln.executor.engine.Engines;
import dev.kiln.executor.filesync.FileSyncService;
import dev.kiln.model.Container;
import dev.kiln.model.Directory;
import dev.kiln.model.Pipeline;
import dev.kiln.model.Task;
import dev.kiln.planner.EngineCapabilities;
import dev.kiln.planner.Plan;
import dev.kiln.planner.PlannerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs planned pipelines on the real engine: parallel tasks, dependencies, failures. */
@Tag("e2e")
class PlanRunnerE2ETest {
  @TempDir Path project;

  private Plan plan(BuildkitConnection c, Pipeline pipeline) {
    try (EngineImageConfigs images = new EngineImageConfigs(c, DockerCredentials.none())) {
      return PlannerBuilder.preconfigured().setEngineCapabilities(EngineCapabilities.dockerV20_10())
          .setImageConfigs(images).build().plan(pipeline, List.of());
    }
  }

  private static Container sleeper(String marker, String seconds) {
    return Container.from("busybox:latest").withExec("sh", "-c", "sleep " + seconds + "; echo " + marker);
  }

  @Test
  void independentTasksRunInParallelAndDependentsAfter() {
    String m = UUID.randomUUID().toString();
    Pipeline p = Pipeline.of(
        Task.run("a", sleeper(m + "-a", "2")),
        Task.run("b", sleeper(m + "-b", "2")),
        Task.run("c", sleeper(m + "-c", "0")).withDependsOn("a", "b"));
    Map<String, Long> started = new ConcurrentHashMap<>();
    Map<String, Long> finished = new ConcurrentHashMap<>();
    try (BuildkitConnection c = Engines.connect()) {
      long t0 = System.nanoTime();
      RunReport report = new PlanRunner(c, dirs -> List.of(),
          new PlanRunner.Options(4, false, project, "test"), new PlanRunner.Listener() {
            @Override
            public void taskStarted(String task) {
              started.put(task, System.nanoTime() - t0);
            }

            @Override
            public void taskFinished(TaskOutcome o) {
              finished.put(o.task(), System.nanoTime() - t0);
            }
          }).run(plan(c, p));
      assertThat(report.succeeded()).isTrue();
      // a and b overlap: each started before the other finished (run one after the other, the
      // second would start after the first finished). Ordering, not a wall-clock bound: the run's
      // time on a loaded engine says nothing about whether the two ran together.
      assertThat(started.get("a")).isLessThan(finished.get("b"));
      assertThat(started.get("b")).isLessThan(finished.get("a"));
      // c waited for both
      assertThat(started.get("c")).isGreaterThanOrEqualTo(Math.max(finished.get("a"), finished.get("b")));
    }
  }

  @Test
  void tasksReadingTheSameHostDirectoryShareOneTransfer() throws Exception {
    for (int i = 0; i < 200; i++) {
      Files.writeString(project.resolve("f" + i + ".txt"), "file " + i);
    }
    Container reader = Container.from("busybox:latest").withDirectory("/src", Directory.host("."));
    String m = UUID.randomUUID().toString();
    List<Task> tasks = new ArrayList<>();
    for (String name : List.of("a", "b", "c", "d")) {
      tasks.add(Task.run(name, reader.withExec("sh", "-c", "test $(ls /src | wc -l) -eq 200 && echo " + m + name)));
    }
    tasks.add(Task.run("e", reader.withExec("sh", "-c", "mkdir /out && ls /src | wc -l > /out/n; echo " + m))
        .withExport("/out/n", "build/n"));
    List<FileSyncService> syncs = new CopyOnWriteArrayList<>();
    PlanRunner.SessionServices services = dirs -> {
      if (dirs.isEmpty()) {
        return List.of();
      }
      FileSyncService sync = new FileSyncService(dirs);
      syncs.add(sync);
      return List.of(sync.definition());
    };
    try (BuildkitConnection c = Engines.connect()) {
      // A new shared key: the engine has no files of this project from an earlier run.
      RunReport report = new PlanRunner(c, services, new PlanRunner.Options(4, false, project, m),
          new PlanRunner.Listener() { }).run(plan(c, Pipeline.of(tasks.toArray(Task[]::new))));
      assertThat(report.succeeded()).isTrue();
      assertThat(project.resolve("build/n")).hasContent("200\n");
      // Five tasks, four at once, one of them exporting: the directory went over once, whole.
      assertThat(syncs.stream().mapToLong(FileSyncService::transfers).sum()).isEqualTo(1);
      assertThat(syncs.stream().mapToLong(FileSyncService::filesSent).sum()).isEqualTo(200);

      // An export alone: BuildKit v0.8 pulls a host directory through the sessions of the solves
      // that read it, so the export's own session must serve it too.
      Files.writeString(project.resolve("g.txt"), m);
      Task alone = Task.run("f", reader.withExec("sh", "-c", "mkdir /out && cp /src/g.txt /out/g"))
          .withExport("/out/g", "build/g");
      RunReport second = new PlanRunner(c, services, new PlanRunner.Options(4, false, project, m),
          new PlanRunner.Listener() { }).run(plan(c, Pipeline.of(alone)));
      assertThat(second.succeeded()).isTrue();
      assertThat(project.resolve("build/g")).hasContent(m);
    }
  }

  @Test
  void aFailureCancelsOthersOrWithKeepGoingOnlySkipsDependents() {
    String m = UUID.randomUUID().toString();
    Pipeline p = Pipeline.of(
        Task.run("bad", Container.from("busybox:latest").withExec("sh", "-c", "echo " + m + "; echo broken >&2; exit 7")),
        Task.run("slow", sleeper(m + "-slow", "3")),
        Task.run("after", sleeper(m + "-after", "0")).withDependsOn("bad"));
    try (BuildkitConnection c = Engines.connect()) {
      Plan plan = plan(c, p);
      RunReport failFast = new PlanRunner(c, d -> List.of(), new PlanRunner.Options(4, false, project, "t"),
          new PlanRunner.Listener() { }).run(plan);
      assertThat(outcome(failFast, "bad").status()).isEqualTo(TaskOutcome.Status.FAILED);
      assertThat(outcome(failFast, "bad").error().exitCode()).hasValue(7);
      assertThat(outcome(failFast, "bad").error().logTail()).contains("broken");
      assertThat(outcome(failFast, "slow").status()).isEqualTo(TaskOutcome.Status.CANCELLED);
      assertThat(outcome(failFast, "after").status()).isEqualTo(TaskOutcome.Status.SKIPPED);

      RunReport keepGoing = new PlanRunner(c, d -> List.of(), new PlanRunner.Options(4, true, project, "t"),
          new PlanRunner.Listener() { }).run(plan);
      assertThat(outcome(keepGoing, "bad").status()).isEqualTo(TaskOutcome.Status.FAILED);
      assertThat(outcome(keepGoing, "slow").status()).isEqualTo(TaskOutcome.Status.SUCCEEDED);
      assertThat(outcome(keepGoing, "after").status()).isEqualTo(TaskOutcome.Status.SKIPPED);
    }
  }

  private static TaskOutcome outcome(RunReport r, String task) {
    return r.tasks().stream().filter(t -> t.task().equals(task)).findFirst().orElseThrow();
  }
}
