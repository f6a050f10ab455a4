package dev.kiln.cli;

import dev.kiln.model.Pipeline;
import dev.kiln.model.PipelineException;
import java.nio.file.Path;

/** Loads {@code pipeline.pkl} into what the planner plans; tests substitute a fixed pipeline. */
@FunctionalInterface
interface PipelineLoader {
  /**
   * The pipeline in {@code file}.
   *
   * @throws PipelineException when it cannot be evaluated
   */
  Pipeline load(Path file);
}
