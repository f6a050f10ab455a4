package dev.kiln.planner;

import dev.kiln.model.SourceLocation;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The planner's result: the tasks to run in dependency order (dependencies first, then by name),
 * each with its LLB, for the engine it was planned for. Immutable.
 *
 * @param tasks tasks in a valid execution order
 * @param engine the engine capabilities the plan was made for
 * @param notes things a person should know (an image config that was not resolved, a feature
 *     lowered for an older engine), in a stable order
 * @param stepLocations the Dockerfile line of each op a Dockerfile frontend made, by op digest
 */
public record Plan(List<PlannedTask> tasks, EngineCapabilities engine, List<String> notes,
    Map<String, SourceLocation> stepLocations) {
  public Plan {
    tasks = List.copyOf(tasks);
    notes = List.copyOf(notes);
    stepLocations = Map.copyOf(stepLocations);
  }

  /** A plan whose steps come from no Dockerfile. */
  public Plan(List<PlannedTask> tasks, EngineCapabilities engine, List<String> notes) {
    this(tasks, engine, notes, Map.of());
  }

  /** Where the step with planned digest {@code digest} is written, when a Dockerfile wrote it. */
  public Optional<SourceLocation> stepLocation(String digest) {
    return Optional.ofNullable(stepLocations.get(digest));
  }

  /** The task named {@code name}. */
  public Optional<PlannedTask> task(String name) {
    return tasks.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /**
   * Digests of ops that more than one task's definitions contain: the engine solves each once
   * (concurrent solves share vertices with the same digest) and caches it for the others.
   */
  public SortedSet<String> sharedDigests() {
    Map<String, Set<String>> tasksByDigest = new HashMap<>();
    for (PlannedTask t : tasks) {
      for (PlannedTarget target : t.targets()) {
        var def = target.definition();
        for (int i = 0; i < def.size(); i++) {
          tasksByDigest.computeIfAbsent(def.digests().get(i), d -> new HashSet<>()).add(t.name());
        }
      }
    }
    var shared = new TreeSet<String>();
    tasksByDigest.forEach((d, names) -> {
      if (names.size() > 1) {
        shared.add(d);
      }
    });
    return shared;
  }
}
