package dev.kiln.planner;

import dev.kiln.planner.llb.Definition;
import java.util.Objects;

/**
 * One thing a task makes the engine solve: its run, an export to the host, an image to publish,
 * or an input of its function call. Each has its own definition (BuildKit solves one result per
 * request).
 *
 * @param kind what the executor does with the result
 * @param path for exports: the path in the container; for inputs: the function's parameter; for
 *     publish: the platform ({@code linux/arm64}) of one image of a multi-platform index; empty otherwise
 * @param destination host path (exports), image reference (publish), or for inputs the entry of
 *     the local export that is the argument ({@code app.jar}; {@code .} for the whole export);
 *     empty for runs
 * @param definition the LLB to solve; exports and inputs contain only the path they copy out
 * @param image the configuration to write into a published image; {@link ImageConfig#EMPTY} otherwise
 */
public record PlannedTarget(Kind kind, String path, String destination, Definition definition, ImageConfig image) {
  /** What the executor does with a target's result. */
  public enum Kind {
    /** Solve it; the result is discarded (the task's operations must run). */
    RUN,
    /** Solve it and write the result to a host path with the local exporter. */
    EXPORT,
    /** Solve it and push it as an image. */
    PUBLISH,
    /**
     * Solve it and write the result to a temporary host directory with the local exporter, for the
     * task's function call to read as a file or directory argument.
     */
    INPUT,
    /**
     * Solve it and write the result (JUnit reports at {@code path} of the run) to {@code .kiln/reports/<task>/}
     * with the local exporter, before the run's last step, whether or not the tests passed.
     */
    REPORTS
  }

  public PlannedTarget {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(definition, "definition");
    Objects.requireNonNull(image, "image");
  }
}
