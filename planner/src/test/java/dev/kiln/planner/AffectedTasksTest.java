package dev.kiln.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.model.Container;
import dev.kiln.model.Directory;
import dev.kiln.model.Pipeline;
import dev.kiln.model.Task;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AffectedTasksTest {
  private static Task reading(String name, Directory dir) {
    return Task.run(name, Container.from("busybox").withDirectory("/src", dir).withExec("true"));
  }

  @Test
  void includeAndExcludePatternsDecideWhatATaskReads() {
    Directory.Host h = new Directory.Host("app", List.of("src/**", "pom.xml"), List.of("**/target"));
    assertThat(AffectedTasks.within(h, "app/src/main/A.java", HostIgnores.NONE)).isTrue();
    assertThat(AffectedTasks.within(h, "app/pom.xml", HostIgnores.NONE)).isTrue();
    assertThat(AffectedTasks.within(h, "app/README.md", HostIgnores.NONE)).isFalse();
    assertThat(AffectedTasks.within(h, "app/src/target/x.class", HostIgnores.NONE)).isFalse();
    assertThat(AffectedTasks.within(h, "application/src/A.java", HostIgnores.NONE)).isFalse();
    assertThat(AffectedTasks.within(new Directory.Host(".", List.of(), List.of("target")), "target/a", HostIgnores.NONE)).isFalse();
    assertThat(AffectedTasks.within(new Directory.Host("./", List.of(), List.of()), "any/file", HostIgnores.NONE)).isTrue();
  }

  @Test
  void dependentsOfAnAffectedTaskAreAffectedAndThePipelinesOwnInputsAffectAll() {
    Pipeline p = Pipeline.of(
        reading("a", Directory.host("a", List.of(), List.of())),
        reading("b", Directory.host("b", List.of(), List.of())),
        reading("c", Directory.host("c", List.of(), List.of())).withDependsOn("a"));
    assertThat(AffectedTasks.of(p, List.of("a/x"), Set.of("pipeline.pkl"), Map.of()))
        .containsOnlyKeys("a", "c").containsEntry("c", "depends on a, which is affected");
    assertThat(AffectedTasks.of(p, List.of("pipeline.pkl"), Set.of("pipeline.pkl"), Map.of())).containsOnlyKeys("a", "b", "c");
    assertThat(AffectedTasks.of(p, List.of("d/x"), Set.of("pipeline.pkl"), Map.of())).isEmpty();
  }

  @Test
  void aChangedFileTheIgnoreFilesKeepFromTheEngineAffectsNothing() {
    Pipeline p = Pipeline.of(reading("app", Directory.host("app", List.of(), List.of())));
    Map<String, HostIgnores> ignores = Map.of("app", HostIgnores.of(IgnoreFile.parse("build\n*.log\n!keep.log\n")));
    assertThat(AffectedTasks.of(p, List.of("app/build/out.class", "app/debug.log"), Set.of(), ignores)).isEmpty();
    assertThat(AffectedTasks.of(p, List.of("app/keep.log"), Set.of(), ignores)).containsOnlyKeys("app");
    assertThat(AffectedTasks.of(p, List.of("app/src/A.java"), Set.of(), ignores)).containsOnlyKeys("app");
  }
}
