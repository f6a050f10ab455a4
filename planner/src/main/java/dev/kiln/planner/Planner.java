package dev.kiln.planner;

import dev.kiln.model.Pipeline;
import java.util.Collection;

/**
 * Turns a pipeline into a {@link Plan}: deterministic LLB per task target plus the task order.
 * Pure: no I/O, the same input gives byte-identical definitions. Build one with {@link
 * PlannerBuilder}; a planner is immutable and may be shared.
 */
public interface Planner {
  /**
   * Plans {@code tasks} (every task when empty) and the tasks they depend on; others are pruned.
   *
   * @throws PlanException for an unknown task, a dependency cycle, an invalid value in the
   *     pipeline, or a feature the engine lacks
   */
  Plan plan(Pipeline pipeline, Collection<String> tasks);
}
