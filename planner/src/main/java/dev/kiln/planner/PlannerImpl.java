package dev.kiln.planner;

import dev.kiln.model.KilnBugException;
import dev.kiln.model.KilnException;
import dev.kiln.model.Pipeline;
import dev.kiln.model.Task;
import dev.kiln.planner.llb.Marshaller;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The planner: prune and order tasks, lower each, marshal its targets, check the engine. */
final class PlannerImpl implements Planner {
  private final PlannerSettings settings;

  PlannerImpl(PlannerSettings settings) {
    this.settings = settings;
  }

  @Override
  public Plan plan(Pipeline pipeline, Collection<String> tasks) {
    Map<String, List<String>> dependsOn = new LinkedHashMap<>();
    pipeline.tasks().forEach((name, task) -> dependsOn.put(name, task.dependsOn()));
    List<String> order = TaskGraph.select(dependsOn, tasks);
    Set<String> requested = tasks.isEmpty() ? pipeline.tasks().keySet() : new HashSet<>(tasks);

    Set<String> notes = new TreeSet<>();
    var lowering = new ModelLowering(settings, notes);
    var targets = new Targets(new Marshaller(), settings.engine(), lowering::service);
    var planned = new ArrayList<PlannedTask>(order.size());
    for (String name : order) {
      Task task = pipeline.tasks().get(name);
      try {
        planned.add(targets.plan(lower(lowering, task), requested.contains(name)));
      } catch (KilnException e) {
        throw e; // the user's to read, e.g. an image the engine cannot resolve
      } catch (RuntimeException e) {
        throw KilnBugException.at("planning task '" + name + "' failed unexpectedly", e, task.location());
      }
    }
    return new Plan(planned, settings.engine(), List.copyOf(notes), lowering.dockerfileLocations());
  }

  private static LoweredTask lower(ModelLowering lowering, Task task) {
    try {
      return lowering.task(task);
    } catch (IllegalArgumentException e) {
      // the LLB values validate what the model could not (paths, names): a user error
      throw new PlanException("task '" + task.name() + "': " + e.getMessage(),
          "check the values of this task's operations", task.location());
    }
  }
}
