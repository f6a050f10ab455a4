package dev.kiln.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.planner.ImageConfig;
import dev.kiln.planner.PlannedTarget;
import dev.kiln.planner.llb.ImageRef;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.Platform;
import dev.kiln.planner.llb.Sources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultStoreTest {
  @TempDir Path project;

  private static PlannedTarget export(String path, String destination) {
    return new PlannedTarget(PlannedTarget.Kind.EXPORT, path, destination,
        new Marshaller().marshal(Sources.image(ImageRef.parse("busybox:latest"), Platform.LINUX_AMD64)), ImageConfig.EMPTY);
  }

  @Test
  void anExportReplacesItsDestinationOnlyOnceReceived() throws Exception {
    Files.createDirectories(project.resolve("out"));
    Files.writeString(project.resolve("out/old.txt"), "old");
    ResultStore store = new ResultStore(project);
    store.export(export("/src/out", "out"), dir -> {
      Files.createDirectories(dir.resolve("out"));
      Files.writeString(dir.resolve("out/new.txt"), "new");
    });
    assertThat(project.resolve("out/new.txt")).hasContent("new");
    assertThat(project.resolve("out/old.txt")).doesNotExist();

    assertThatThrownBy(() -> store.export(export("/src/out", "out"), dir -> { }))
        .isInstanceOf(SolveException.class).hasMessageContaining("produced nothing");
    assertThat(project.resolve("out/new.txt")).as("a failed export leaves what was there").hasContent("new");
    try (var left = Files.list(project)) {
      assertThat(left).as("no staging directory left behind").containsExactly(project.resolve("out"));
    }
  }

  @Test
  void resultsOfSucceededTasksAreKeptForLaterTasksAndWrittenUnderKiln() throws Exception {
    ResultStore store = new ResultStore(project);
    store.record(new TaskOutcome("a", TaskOutcome.Status.SUCCEEDED, Duration.ZERO, false, null, Map.of("v", "1")));
    store.record(new TaskOutcome("b", TaskOutcome.Status.FAILED, Duration.ZERO, false, null, Map.of("v", "2")));
    assertThat(store.upstream()).containsOnlyKeys("a").containsEntry("a", Map.of("v", "1"));
    store.write("a", Map.of("v", "1"));
    assertThat(project.resolve(".kiln/results/a/v")).hasContent("1");
  }
}
