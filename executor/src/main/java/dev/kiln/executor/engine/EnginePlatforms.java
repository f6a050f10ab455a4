package dev.kiln.executor.engine;

import dev.kiln.model.Pipeline;
import dev.kiln.model.Task;
import dev.kiln.planner.PlanException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The platforms the tasks to run publish images for must be ones the engine can run: another
 * architecture than the engine's own needs emulation on its host, and without it the run fails
 * later and worse (a base image without the platform, or {@code exec format error} in a step).
 * Said before planning instead, which already resolves base images per platform.
 */
public final class EnginePlatforms {
  private EnginePlatforms() {}

  /**
   * Checks the {@code platforms} of {@code tasks} (all when empty) and of the tasks they depend on
   * against {@code engine}'s workers' platforms.
   *
   * @throws PlanException naming the task, the platform and the engine's platforms
   */
  public static void check(Pipeline pipeline, Collection<String> tasks, EngineInfo engine) {
    Set<String> can = new LinkedHashSet<>();
    engine.workers().forEach(w -> can.addAll(w.platforms()));
    if (can.isEmpty()) {
      return; // the engine did not say: let it answer for itself
    }
    Deque<String> todo = new ArrayDeque<>(tasks.isEmpty() ? pipeline.tasks().keySet() : tasks);
    Set<String> seen = new HashSet<>();
    while (!todo.isEmpty()) {
      Task task = pipeline.tasks().get(todo.pop());
      if (task == null || !seen.add(task.name())) {
        continue;
      }
      todo.addAll(task.dependsOn());
      for (String platform : task.platforms()) {
        if (!can.contains(platform)) {
          throw new PlanException("task '" + task.name() + "' publishes for " + platform + ", which the engine ("
              + engine.describe() + ") cannot run; its platforms: " + String.join(", ", can),
              "install emulation on the engine's host (Debian: apt-get install qemu-user-static binfmt-support;"
              + " `kiln engine info` then lists the platforms), or leave " + platform + " out of `platforms`",
              task.location());
        }
      }
    }
  }
}
