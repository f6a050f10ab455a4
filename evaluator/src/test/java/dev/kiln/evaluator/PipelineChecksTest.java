package dev.kiln.evaluator;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.model.Container;
import dev.kiln.model.Directory;
import dev.kiln.model.Pipeline;
import dev.kiln.model.PipelineException;
import dev.kiln.model.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java-side checks on shapes Pkl evaluates quickly but a recursive walk could not follow. */
class PipelineChecksTest {
  @TempDir Path root;

  private void check(Pipeline p) {
    new PipelineChecks(new SourceIndex(root.resolve("pipeline.pkl")), root).check(p);
  }

  /** {@code n} tasks, each depending on the next: the first one checked is the deepest path. */
  private static List<Task> chain(int n) {
    Container c = Container.from("busybox:latest").withExec("true");
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Task t = Task.run("t" + i, c);
      tasks.add(i + 1 < n ? t.withDependsOn("t" + (i + 1)) : t);
    }
    return tasks;
  }

  @Test
  void aChainOfAHundredThousandTasksDeclaredDependentFirstPasses() {
    assertThatCode(() -> check(Pipeline.of(chain(100_000).toArray(Task[]::new)))).doesNotThrowAnyException();
  }

  @Test
  void aCycleThroughAHundredThousandTasksIsFound() {
    List<Task> tasks = chain(100_000);
    tasks.set(99_999, tasks.get(99_999).withDependsOn("t0"));
    assertThatThrownBy(() -> check(Pipeline.of(tasks.toArray(Task[]::new))))
        .isInstanceOf(PipelineException.class).hasMessageStartingWith("dependency cycle: t0 -> t1 -> t2")
        .hasMessageEndingWith("t99999 -> t0");
  }

  @Test
  void hostPathsAreCheckedThroughDirectoriesNestedTwentyThousandDeep() {
    Container base = Container.from("busybox:latest");
    Directory d = Directory.host("../outside");
    for (int i = 0; i < 20_000; i++) {
      d = base.withDirectory("/x", d).directory("/x");
    }
    Pipeline p = Pipeline.of(Task.run("t", base.withDirectory("/y", d)));
    assertThatThrownBy(() -> check(p)).isInstanceOf(PipelineException.class)
        .hasMessage("host directory `../outside` of task `t` is outside the project");
  }

  @Test
  void aMissingHostDirectoryIsRefusedUnlessARunMakesIt() throws Exception {
    Container base = Container.from("busybox:latest");
    Pipeline missing = Pipeline.of(Task.run("t", base.withDirectory("/src", Directory.host("src"))));
    assertThatThrownBy(() -> check(missing)).isInstanceOf(PipelineException.class)
        .hasMessage("host directory `src` of task `t` does not exist");
    Files.createDirectories(root.resolve("src"));
    assertThatCode(() -> check(missing)).doesNotThrowAnyException();
    Files.writeString(root.resolve("notes"), "a file");
    assertThatThrownBy(() -> check(Pipeline.of(Task.run("t", base.withDirectory("/n", Directory.host("notes"))))))
        .hasMessage("host directory `notes` of task `t` is a file, not a directory");

    // A task's results and exports are made by runs: reading them is no error before the first.
    Task make = Task.run("make", base.withExec("true")).withExport("/out", "build/out");
    Pipeline made = Pipeline.of(make,
        Task.run("a", base.withDirectory("/r", Directory.host(".kiln/results/make"))).withDependsOn("make"),
        Task.run("b", base.withDirectory("/b", Directory.host("build"))).withDependsOn("make"),
        Task.run("c", base.withDirectory("/o", Directory.host("build/out/sub"))).withDependsOn("make"));
    assertThatCode(() -> check(made)).doesNotThrowAnyException();
  }
}
