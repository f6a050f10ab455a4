package dev.kiln.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskDependenciesTest {
  private static TaskDependencies graph(Object... taskThenDeps) {
    Map<String, List<String>> deps = new LinkedHashMap<>();
    for (int i = 0; i < taskThenDeps.length; i += 2) {
      @SuppressWarnings("unchecked")
      List<String> d = (List<String>) taskThenDeps[i + 1];
      deps.put((String) taskThenDeps[i], d);
    }
    return TaskDependencies.of(deps);
  }

  @Test
  void theFirstUnknownDependencyIsNamedInTheGraphsOrder() {
    var g = graph("b", List.of("x"), "a", List.of("y"));
    assertThat(g.unknown()).contains(new TaskDependencies.Unknown("b", "x"));
    assertThat(graph("a", List.of()).unknown()).isEmpty();
  }

  @Test
  void aCycleIsGivenClosedAtTheTaskThatRepeats() {
    var g = graph("d", List.of(), "a", List.of("b"), "b", List.of("c"), "c", List.of("a"));
    assertThat(g.cycle()).contains(List.of("a", "b", "c", "a"));
    assertThat(graph("a", List.of("a")).cycle()).contains(List.of("a", "a"));
    assertThat(graph("a", List.of("b"), "b", List.of()).cycle()).isEmpty();
  }

  @Test
  void aLongChainIsWalkedWithoutOverflowingTheStack() {
    Map<String, List<String>> deps = new LinkedHashMap<>();
    int n = 50_000;
    for (int i = 0; i < n; i++) {
      deps.put("t" + i, i + 1 < n ? List.of("t" + (i + 1)) : List.of("t0"));
    }
    List<String> cycle = TaskDependencies.of(deps).cycle().orElseThrow();
    assertThat(cycle).hasSize(n + 1).startsWith("t0", "t1").endsWith("t0");
  }

  @Test
  void orderPutsDependenciesFirstAndBreaksTiesByName() {
    var g = graph("test", List.of("compile"), "compile", List.of(), "lint", List.of(), "package", List.of("compile"));
    assertThat(g.order(List.of("package", "lint"))).containsExactly("compile", "lint", "package");
    assertThat(g.order(g.tasks())).containsExactly("compile", "lint", "package", "test");
  }

  @Test
  void orderRefusesWhatItCannotOrder() {
    assertThatThrownBy(() -> graph("a", List.of("b"), "b", List.of("a")).order(List.of("a")))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> graph("a", List.of()).order(List.of("z"))).isInstanceOf(IllegalStateException.class);
  }
}
