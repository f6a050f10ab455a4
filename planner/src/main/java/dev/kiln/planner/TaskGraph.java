package dev.kiln.planner;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

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
    SortedMap<String, List<String>> graph = new TreeMap<>(dependsOn);
    for (var e : graph.entrySet()) {
      for (String dep : e.getValue()) {
        if (!graph.containsKey(dep)) {
          throw new PlanException(
              "task '" + e.getKey() + "' depends on '" + dep + "', which is not a task",
              suggestion(dep, graph.keySet()));
        }
      }
    }
    Set<String> roots = requested.isEmpty() ? graph.keySet() : new LinkedHashSet<>(requested);
    var wanted = new HashSet<String>();
    var todo = new ArrayDeque<String>();
    for (String r : roots) {
      if (!graph.containsKey(r)) {
        throw new PlanException("no task named '" + r + "'", suggestion(r, graph.keySet()));
      }
      todo.add(r);
    }
    while (!todo.isEmpty()) {
      String t = todo.poll();
      if (wanted.add(t)) {
        todo.addAll(graph.get(t));
      }
    }
    // Kahn's algorithm over the wanted tasks; the sorted ready set makes the order stable.
    var remaining = new HashMap<String, Integer>();
    var dependents = new HashMap<String, List<String>>();
    for (String t : wanted) {
      var deps = new TreeSet<>(graph.get(t));
      remaining.put(t, deps.size());
      for (String d : deps) {
        dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(t);
      }
    }
    var ready = new TreeSet<String>();
    remaining.forEach((t, n) -> {
      if (n == 0) {
        ready.add(t);
      }
    });
    var order = new ArrayList<String>(wanted.size());
    while (!ready.isEmpty()) {
      String t = ready.pollFirst();
      order.add(t);
      for (String d : dependents.getOrDefault(t, List.of())) {
        if (remaining.merge(d, -1, Integer::sum) == 0) {
          ready.add(d);
        }
      }
    }
    if (order.size() < wanted.size()) {
      throw new PlanException("tasks depend on each other in a cycle: " + cycle(graph, wanted, order),
          "remove one of these dependsOn entries");
    }
    return order;
  }

  private static String cycle(Map<String, List<String>> graph, Set<String> wanted, List<String> done) {
    var left = new TreeSet<>(wanted);
    done.forEach(left::remove);
    // Walk dependencies inside the unsorted rest until a task repeats: that is a cycle.
    var path = new ArrayList<String>();
    String t = left.first();
    while (!path.contains(t)) {
      path.add(t);
      t = graph.get(t).stream().filter(left::contains).sorted().findFirst().orElseThrow();
    }
    var loop = new ArrayList<>(path.subList(path.indexOf(t), path.size()));
    loop.add(t);
    return String.join(" -> ", loop);
  }

  private static String suggestion(String name, Set<String> known) {
    var best = dev.kiln.model.Suggestions.closest(name, known);
    String tasks = known.size() <= 10 ? "tasks: " + String.join(", ", known) : known.size() + " tasks; see kiln list";
    if (best.isPresent()) {
      return "did you mean '" + best.get() + "'? (" + tasks + ")";
    }
    return known.isEmpty() ? "the pipeline has no tasks" : tasks;
  }
}
