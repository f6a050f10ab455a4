package dev.kiln.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.model.Container;
import dev.kiln.model.Directory;
import dev.kiln.model.Pipeline;
import dev.kiln.model.Task;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AffectedTasksTest {
  private static Task reading(String name, Directory dir) {
    return Task.run(name, Container.from("busybox").withDirectory("/src", dir).withExec("true"));
  }

  @Test
  void includeAndExcludePatternsDecideWhatATaskReads() {
    Directory.Host h = new Directory.Host("app", List.of("src/**", "pom.xml"), List.of("**/target"));
    assertThat(AffectedTasks.within(h, "app/src/main/A.java")).isTrue();
    assertThat(AffectedTasks.within(h, "app/pom.xml")).isTrue();
    assertThat(AffectedTasks.within(h, "app/README.md")).isFalse();
    assertThat(AffectedTasks.within(h, "app/src/target/x.class")).isFalse();
    assertThat(AffectedTasks.within(h, "application/src/A.java")).isFalse();
    assertThat(AffectedTasks.within(new Directory.Host(".", List.of(), List.of("target")), "target/a")).isFalse();
    assertThat(AffectedTasks.within(new Directory.Host("./", List.of(), List.of()), "any/file")).isTrue();
  }

  @Test
  void dependentsOfAnAffectedTaskAreAffectedAndThePipelinesOwnInputsAffectAll() {
    Pipeline p = Pipeline.of(
        reading("a", Directory.host("a", List.of(), List.of())),
        reading("b", Directory.host("b", List.of(), List.of())),
        reading("c", Directory.host("c", List.of(), List.of())).withDependsOn("a"));
    assertThat(AffectedTasks.of(p, List.of("a/x"), Set.of("pipeline.pkl")))
        .containsOnlyKeys("a", "c").containsEntry("c", "depends on a, which is affected");
    assertThat(AffectedTasks.of(p, List.of("pipeline.pkl"), Set.of("pipeline.pkl"))).containsOnlyKeys("a", "b", "c");
    assertThat(AffectedTasks.of(p, List.of("d/x"), Set.of("pipeline.pkl"))).isEmpty();
  }
}
