package dev.kiln.executor.engine;

import dev.kiln.planner.Plan;
import dev.kiln.planner.PlanException;
import dev.kiln.planner.PlannedTarget;
import dev.kiln.planner.PlannedTask;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The platforms a plan publishes images for must be ones the engine can run: another architecture
 * than the engine's own needs emulation on its host, and without it a step fails only when it
 * runs, with {@code exec format error}. Said before anything runs instead.
 */
public final class EnginePlatforms {
  private EnginePlatforms() {}

  /**
   * Checks every multi-platform image of {@code plan} against {@code engine}'s workers' platforms.
   *
   * @throws PlanException naming the task, the platform and the engine's platforms
   */
  public static void check(Plan plan, EngineInfo engine) {
    Set<String> can = new LinkedHashSet<>();
    engine.workers().forEach(w -> can.addAll(w.platforms()));
    if (can.isEmpty()) {
      return; // the engine did not say: let it answer for itself
    }
    for (PlannedTask task : plan.tasks()) {
      for (PlannedTarget t : task.targets()) {
        if (t.kind() == PlannedTarget.Kind.PUBLISH && !t.path().isEmpty() && !can.contains(t.path())) {
          throw new PlanException("task '" + task.name() + "' publishes for " + t.path() + ", which the engine ("
              + engine.describe() + ") cannot run; its platforms: " + String.join(", ", can),
              "install emulation on the engine's host (Debian: apt-get install qemu-user-static binfmt-support;"
              + " `kiln engine info` then lists the platforms), or leave " + t.path() + " out of `platforms`");
        }
      }
    }
  }
}
