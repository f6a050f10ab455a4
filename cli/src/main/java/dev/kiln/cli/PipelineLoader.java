package dev.kiln.cli;

import dev.kiln.evaluator.PipelineException;
import dev.kiln.evaluator.SourceLocation;
import dev.kiln.evaluator.model.Pipeline;
import java.nio.file.Path;

/**
 * <b>Seam to the evaluator.</b> Loads {@code pipeline.pkl} into what the planner plans. The
 * evaluator's API did not exist when {@code kiln plan} was written; when it lands, {@link
 * #EVALUATOR} calls it (and adapts its model), and nothing else in the command changes.
 */
@FunctionalInterface
interface PipelineLoader {
  /**
   * The pipeline in {@code file}.
   *
   * @throws PipelineException when it cannot be evaluated
   */
  Pipeline load(Path file);

  /** The production loader: until the evaluator is merged, a clear error instead of a guess. */
  PipelineLoader EVALUATOR = file -> {
    throw new PipelineException("this build of kiln cannot evaluate pipelines yet",
        SourceLocation.of(file), "the evaluator module is not merged into this build; plan from the"
            + " planner's Java API (PlannerBuilder) meanwhile");
  };
}
