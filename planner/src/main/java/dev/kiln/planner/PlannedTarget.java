package dev.kiln.planner;

import dev.kiln.planner.llb.Definition;
import java.util.Objects;

/**
 * One thing a task makes the engine solve: its run, an export to the host, or an image to
 * publish. Each has its own definition (BuildKit solves one result per request).
 *
 * @param kind what the executor does with the result
 * @param path for exports: the path in the container; empty otherwise
 * @param destination host path (exports) or image reference (publish); empty for runs
 * @param definition the LLB to solve; exports contain only the exported path
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
    PUBLISH
  }

  public PlannedTarget {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(definition, "definition");
    Objects.requireNonNull(image, "image");
  }
}
