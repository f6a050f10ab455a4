package dev.kiln.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * A pipeline: its tasks by name (in declaration order), its parameters and its default tasks.
 *
 * @param tasks the tasks by name, in the order the pipeline declares them
 * @param params the declared parameters with their values after overrides, in declaration order
 * @param defaultTasks the tasks {@code kiln run} runs when none are named (empty: all)
 * @param cacheImports the remote caches to import; local directories are relative to the project root
 * @param cacheExports the remote caches to export
 * @param triggers what starts the pipeline under {@code kiln serve}, in declaration order
 */
public record Pipeline(Map<String, Task> tasks, List<Param> params, List<String> defaultTasks,
    List<RemoteCache> cacheImports, List<RemoteCache> cacheExports, List<Trigger> triggers) {
  public Pipeline {
    tasks = Collections.unmodifiableMap(new LinkedHashMap<>(tasks));
    tasks.forEach((name, task) -> {
      if (!name.equals(task.name())) {
        throw new IllegalArgumentException("task key " + name + " names task " + task.name());
      }
    });
    params = List.copyOf(params);
    defaultTasks = List.copyOf(defaultTasks);
    cacheImports = List.copyOf(cacheImports);
    cacheExports = List.copyOf(cacheExports);
    triggers = List.copyOf(triggers);
  }

  /** A pipeline without triggers. */
  public Pipeline(Map<String, Task> tasks, List<Param> params, List<String> defaultTasks,
      List<RemoteCache> cacheImports, List<RemoteCache> cacheExports) {
    this(tasks, params, defaultTasks, cacheImports, cacheExports, List.of());
  }

  /** A pipeline without remote cache. */
  public Pipeline(Map<String, Task> tasks, List<Param> params, List<String> defaultTasks) {
    this(tasks, params, defaultTasks, List.of(), List.of());
  }

  /**
   * Every secret the tasks use (mounted, as variables, as call arguments), by name; where two
   * declare one name, the first found in task order wins.
   */
  public SortedMap<String, Secret> secrets() {
    return PipelineSecrets.of(this);
  }

  /**
   * Every different secret the tasks use, in task order: unlike {@link #secrets()}, two of one name
   * with different sources are both there (a pipeline the evaluator refuses).
   */
  public List<Secret> secretDeclarations() {
    return PipelineSecrets.all(this);
  }

  /** This pipeline with other tasks. */
  public Pipeline withTasks(Map<String, Task> tasks) {
    return new Pipeline(tasks, params, defaultTasks, cacheImports, cacheExports, triggers);
  }

  /** A pipeline of {@code tasks} without parameters or default tasks. */
  public Pipeline(Map<String, Task> tasks) {
    this(tasks, List.of(), List.of(), List.of(), List.of());
  }

  /** A pipeline of {@code tasks}, keyed by their names. */
  public static Pipeline of(Task... tasks) {
    var map = new LinkedHashMap<String, Task>();
    for (Task t : tasks) {
      if (map.put(t.name(), t) != null) {
        throw new IllegalArgumentException("two tasks named " + t.name());
      }
    }
    return new Pipeline(map);
  }

  /** The tasks to run when {@code named} are asked for: those, else the default tasks (empty: all). */
  public List<String> requested(List<String> named) {
    return named.isEmpty() ? defaultTasks : List.copyOf(named);
  }
}
