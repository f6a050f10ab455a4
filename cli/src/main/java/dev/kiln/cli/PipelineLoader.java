package dev.kiln.cli;

import dev.kiln.evaluator.PipelineEvaluator;
import dev.kiln.model.Pipeline;
import java.nio.file.Path;
import dev.kiln.model.PipelineException;

/** Loads {@code pipeline.pkl} into what the planner plans; tests substitute a fixed pipeline. */
@FunctionalInterface
interface PipelineLoader {
  /**
   * The pipeline in {@code file}.
   *
   * @throws PipelineException when it cannot be evaluated
   */
  Pipeline load(Path file);

  /** The production loader: the sandboxed evaluator with default settings. */
  PipelineLoader EVALUATOR = file -> PipelineEvaluator.builder().build().evaluate(file);
}
