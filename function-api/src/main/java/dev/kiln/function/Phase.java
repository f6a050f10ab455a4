package dev.kiln.function;

/** When a {@link KilnFunction} runs. */
public enum Phase {
  /** While the pipeline is evaluated: pure, fast, its value is part of the pipeline. */
  EVALUATION,
  /** As a task of the run, after its inputs exist; its results feed later tasks. */
  RUN
}
