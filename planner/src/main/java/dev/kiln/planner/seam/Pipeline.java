package dev.kiln.planner.seam;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** A pipeline: its tasks by name. */
public record Pipeline(SortedMap<String, Task> tasks) {
  public Pipeline {
    tasks = Collections.unmodifiableSortedMap(new TreeMap<>(tasks));
    tasks.forEach((name, task) -> {
      if (!name.equals(task.name())) {
        throw new IllegalArgumentException("task key " + name + " names task " + task.name());
      }
    });
  }

  /** A pipeline of {@code tasks}, keyed by their names. */
  public static Pipeline of(Task... tasks) {
    var map = new TreeMap<String, Task>();
    for (Task t : tasks) {
      if (map.put(t.name(), t) != null) {
        throw new IllegalArgumentException("two tasks named " + t.name());
      }
    }
    return new Pipeline(map);
  }
}
