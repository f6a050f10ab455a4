package dev.kiln.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.executor.EngineUnavailableException;
import dev.kiln.executor.PlanRunner;
import dev.kiln.model.Container;
import dev.kiln.model.Pipeline;
import dev.kiln.model.Task;
import dev.kiln.planner.EngineCapabilities;
import dev.kiln.planner.PlannerBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine goes away in the middle of a run: the run ends with "engine unavailable", not a hang or a bug. */
@Tag("e2e")
class EngineLostE2ETest {
  @TempDir Path dir;

  @Test
  void losingTheEngineMidRunIsEngineUnavailable() throws Exception {
    Engines.connect().close(); // fail or skip like every e2e test when there is no engine
    String marker = UUID.randomUUID().toString();
    Pipeline p = Pipeline.of(Task.run("slow",
        Container.from("busybox:latest").withExec("sh", "-c", "echo " + marker + "; sleep 20")));
    var plan = PlannerBuilder.preconfigured().setEngineCapabilities(EngineCapabilities.dockerV20_10()).build()
        .plan(p, List.of());
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try (FaultyRelay relay = FaultyRelay.dockerAsBuildkitd(dir.resolve("bk.sock"),
            EngineAddress.parse("docker:///var/run/docker.sock"));
        BuildkitConnection c = BuildkitConnection.open(relay.address(EngineAddress.Kind.UNIX))) {
      timer.schedule(relay::cut, 3, TimeUnit.SECONDS);
      long start = System.nanoTime();
      assertThatThrownBy(() -> new PlanRunner(c, d -> List.of(),
              new PlanRunner.Options(1, false, dir, "t"), new PlanRunner.Listener() { }).run(plan))
          .isInstanceOf(EngineUnavailableException.class)
          .hasMessageContaining("lost the BuildKit engine");
      assertThat((System.nanoTime() - start) / 1_000_000_000).isLessThan(15); // not after the step's 20 s
    } finally {
      timer.shutdownNow();
    }
  }
}
