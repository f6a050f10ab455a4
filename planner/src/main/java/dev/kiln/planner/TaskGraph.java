package dev.kiln.planner;

import dev.kiln.model.Suggestions;
import dev.kiln.model.TaskDependencies;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Task selection and ordering: prunes tasks not asked for and orders the rest, deterministically. */
final class TaskGraph {
  private TaskGraph() {}

  /**
   * The tasks to plan, in execution order: {@code requested} (all when empty) and everything they
   * depend on, dependencies first, ties broken by name.
   *
   * @param dependsOn every task's direct dependencies
   * @throws PlanException for an unknown task or dependency, or a cycle
   */
  static List<String> select(Map<String, List<String>> dependsOn, Collection<String> requested) {
    TaskDependencies graph = TaskDependencies.of(new TreeMap<>(dependsOn));
    graph.unknown().ifPresent(u -> {
      throw new PlanException("task '" + u.task() + "' depends on '" + u.dependency() + "', which is not a task",
          suggestion(u.dependency(), graph.tasks()));
    });
    Collection<String> roots = requested.isEmpty() ? graph.tasks() : new LinkedHashSet<>(requested);
    for (String r : roots) {
      if (!graph.tasks().contains(r)) {
        throw new PlanException("no task named '" + r + "'", suggestion(r, graph.tasks()));
      }
    }
    graph.cycle().ifPresent(cycle -> {
      throw new PlanException("tasks depend on each other in a cycle: " + String.join(" -> ", cycle),
          "remove one of these dependsOn entries");
    });
    return graph.order(roots);
  }

  private static String suggestion(String name, Set<String> known) {
    var best = Suggestions.closest(name, known);
    String tasks = known.size() <= 10 ? "tasks: " + String.join(", ", known) : known.size() + " tasks; see kiln list";
    if (best.isPresent()) {
      return "did you mean '" + best.get() + "'? (" + tasks + ")";
    }
    return known.isEmpty() ? "the pipeline has no tasks" : tasks;
  }
}
