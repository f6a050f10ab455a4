package dev.kiln.planner;

import java.util.Optional;

/**
 * Where the planner gets the LLB of Dockerfile builds: the executor asks the engine's Dockerfile
 * frontend; {@code kiln plan} without an engine and tests use none or a fake. Like {@link
 * ImageConfigs}, keeping this an input is what keeps the planner free of I/O.
 */
@FunctionalInterface
public interface DockerfileFrontend {
  /**
   * The frontend's result for {@code request}, if it can be built here.
   *
   * @throws PlanException when the Dockerfile is wrong (a syntax error, an unknown target), at the
   *     Dockerfile's line when the frontend names one
   */
  Optional<DockerfileResult> build(DockerfileRequest request);

  /** Builds nothing: a Dockerfile container is planned without its steps, and the plan says so. */
  static DockerfileFrontend none() {
    return request -> Optional.empty();
  }
}
