package dev.kiln.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.model.Container;
import dev.kiln.model.Directory;
import dev.kiln.model.Pipeline;
import dev.kiln.model.ProjectRoot;
import dev.kiln.model.Task;
import dev.kiln.planner.EngineCapabilities;
import dev.kiln.planner.Plan;
import dev.kiln.planner.PlannedTask;
import dev.kiln.planner.PlannerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDirsTest {
  @TempDir Path project;
  @TempDir Path elsewhere;

  @Test
  void theRunsSessionServesEveryHostDirectoryOfThePlanOnceAndNoLinkOutOfTheProject() throws Exception {
    Files.createDirectories(project.resolve("src"));
    Files.createSymbolicLink(project.resolve("out"), elsewhere);
    Container c = Container.from("busybox:latest");
    Plan plan = PlannerBuilder.preconfigured().setEngineCapabilities(EngineCapabilities.dockerV20_10()).build()
        .plan(Pipeline.of(
            Task.run("a", c.withDirectory("/a", Directory.host(".")).withDirectory("/s", Directory.host("src"))),
            Task.run("b", c.withDirectory("/a", Directory.host("."))),
            Task.run("c", c.withDirectory("/o", Directory.host("out")))), List.of());
    ProjectRoot root = ProjectRoot.of(project);

    assertThat(LocalDirs.of(plan, root)).isEqualTo(Map.of(
        ".", project.toRealPath(), "src", project.resolve("src").toRealPath()));
    // The task that reads the link fails alone, when its own solve asks for it.
    PlannedTask c2 = plan.tasks().stream().filter(t -> t.name().equals("c")).findFirst().orElseThrow();
    assertThatThrownBy(() -> LocalDirs.of(c2.targets().get(0).definition(), root))
        .isInstanceOf(SolveException.class).hasMessageContaining("host directory `out`");
  }
}
