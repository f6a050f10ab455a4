package dev.kiln.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskGraphTest {
  private final Map<String, List<String>> graph = Map.of(
      "image", List.of("test", "package"),
      "test", List.of("compile"),
      "package", List.of("compile"),
      "compile", List.of(),
      "lint", List.of());

  @Test
  void ordersDependenciesFirstAndBreaksTiesByName() {
    assertThat(TaskGraph.select(graph, List.of()))
        .containsExactly("compile", "lint", "package", "test", "image");
  }

  @Test
  void prunesTasksNotAskedFor() {
    assertThat(TaskGraph.select(graph, List.of("test"))).containsExactly("compile", "test");
    assertThat(TaskGraph.select(graph, List.of("lint", "package")))
        .containsExactly("compile", "lint", "package");
  }

  @Test
  void unknownTasksSuggestTheClosestName() {
    assertThatThrownBy(() -> TaskGraph.select(graph, List.of("tset")))
        .isInstanceOf(PlanException.class)
        .hasMessage("no task named 'tset'")
        .satisfies(e -> assertThat(((PlanException) e).hint()).hasValueSatisfying(
            h -> assertThat(h).startsWith("did you mean 'test'?")));
  }

  @Test
  void unknownDependencyIsNamed() {
    assertThatThrownBy(() -> TaskGraph.select(Map.of("a", List.of("b")), List.<String>of()))
        .hasMessage("task 'a' depends on 'b', which is not a task");
  }

  @Test
  void cyclesAreShown() {
    var cyclic = Map.of("a", List.of("b"), "b", List.of("c"), "c", List.of("a"), "d", List.<String>of());
    assertThatThrownBy(() -> TaskGraph.select(cyclic, List.of()))
        .isInstanceOf(PlanException.class)
        .hasMessage("tasks depend on each other in a cycle: a -> b -> c -> a");
  }
}
