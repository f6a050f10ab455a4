package dev.kiln.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The graph of tasks and what each depends on: its unknown dependencies, its cycles and the order
 * tasks run in. The evaluator and the planner both ask it, each saying what it finds in its own terms.
 */
public final class TaskDependencies {
  /** A task that depends on a name no task has. */
  public record Unknown(String task, String dependency) {}

  private final Map<String, List<String>> dependsOn;

  private TaskDependencies(Map<String, List<String>> dependsOn) {
    this.dependsOn = dependsOn;
  }

  /** The graph of {@code dependsOn} (task to its direct dependencies); tasks are visited in its order. */
  public static TaskDependencies of(Map<String, ? extends Collection<String>> dependsOn) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    dependsOn.forEach((task, deps) -> copy.put(task, List.copyOf(deps)));
    return new TaskDependencies(Collections.unmodifiableMap(copy));
  }

  /** The graph of a pipeline's tasks. */
  public static TaskDependencies of(Pipeline pipeline) {
    Map<String, List<String>> deps = new LinkedHashMap<>();
    pipeline.tasks().forEach((name, task) -> deps.put(name, task.dependsOn()));
    return of(deps);
  }

  /** The task names, in the graph's order. */
  public Set<String> tasks() {
    return dependsOn.keySet();
  }

  /** The first dependency that names no task, if any. */
  public Optional<Unknown> unknown() {
    for (var e : dependsOn.entrySet()) {
      for (String dep : e.getValue()) {
        if (!dependsOn.containsKey(dep)) {
          return Optional.of(new Unknown(e.getKey(), dep));
        }
      }
    }
    return Optional.empty();
  }

  /** A task on the current path of the walk, and the index of its next dependency to visit. */
  private record Frame(String name, List<String> deps, int next) {}

  /**
   * The first cycle a depth-first walk finds, as the tasks along it with the first repeated at the
   * end ({@code a -> b -> a}); the walk keeps its own stack, as a chain of thousands of tasks is an
   * ordinary pipeline. Dependencies that name no task are passed over.
   */
  public Optional<List<String>> cycle() {
    Map<String, Boolean> done = new HashMap<>(); // false while on the path, true once left
    for (String start : dependsOn.keySet()) {
      if (done.containsKey(start)) {
        continue;
      }
      Deque<Frame> path = new ArrayDeque<>();
      done.put(start, false);
      path.push(new Frame(start, dependsOn.get(start), 0));
      while (!path.isEmpty()) {
        Frame top = path.pop();
        if (top.next() == top.deps().size()) {
          done.put(top.name(), true);
          continue;
        }
        path.push(new Frame(top.name(), top.deps(), top.next() + 1));
        String dep = top.deps().get(top.next());
        Boolean state = done.get(dep);
        if (state == null && dependsOn.containsKey(dep)) {
          done.put(dep, false);
          path.push(new Frame(dep, dependsOn.get(dep), 0));
        } else if (Boolean.FALSE.equals(state)) {
          return Optional.of(closing(dep, path));
        }
      }
    }
    return Optional.empty();
  }

  /** The cycle that closes at {@code name}, which is on {@code path} (innermost first). */
  private static List<String> closing(String name, Deque<Frame> path) {
    List<String> cycle = new ArrayList<>();
    boolean in = false;
    for (var it = path.descendingIterator(); it.hasNext(); ) {
      String n = it.next().name();
      in |= n.equals(name);
      if (in) {
        cycle.add(n);
      }
    }
    cycle.add(name);
    return List.copyOf(cycle);
  }

  /**
   * {@code roots} and everything they depend on, dependencies first, ties broken by name so the
   * order is the same on every run.
   *
   * @throws IllegalStateException if a root or a dependency names no task, or the tasks form a cycle
   *     (ask {@link #unknown()} and {@link #cycle()} first)
   */
  public List<String> order(Collection<String> roots) {
    Set<String> wanted = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(roots);
    while (!todo.isEmpty()) {
      String t = todo.poll();
      if (!dependsOn.containsKey(t)) {
        throw new IllegalStateException("no task " + t);
      }
      if (wanted.add(t)) {
        todo.addAll(dependsOn.get(t));
      }
    }
    // Kahn's algorithm over the wanted tasks; the sorted ready set makes the order stable.
    Map<String, Integer> remaining = new HashMap<>();
    Map<String, List<String>> dependents = new HashMap<>();
    for (String t : wanted) {
      Set<String> deps = new TreeSet<>(dependsOn.get(t));
      remaining.put(t, deps.size());
      for (String d : deps) {
        dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(t);
      }
    }
    TreeSet<String> ready = new TreeSet<>();
    remaining.forEach((t, n) -> {
      if (n == 0) {
        ready.add(t);
      }
    });
    List<String> order = new ArrayList<>(wanted.size());
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
      throw new IllegalStateException("the tasks form a cycle");
    }
    return List.copyOf(order);
  }
}
