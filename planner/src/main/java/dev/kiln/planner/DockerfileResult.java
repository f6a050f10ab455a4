package dev.kiln.planner;

import java.util.Objects;

/**
 * What the Dockerfile frontend made of a {@link DockerfileRequest}: its LLB (with the source map
 * from op digests to Dockerfile lines) and the image configuration of the built stage.
 *
 * @param definition the frontend's definition, its last op returning the built stage
 * @param config the stage's {@code ENV}, {@code WORKDIR}, {@code USER}, {@code ENTRYPOINT} and {@code CMD}
 */
public record DockerfileResult(dev.kiln.planner.llb.pb.Definition definition, ImageConfig config) {
  public DockerfileResult {
    Objects.requireNonNull(definition, "definition");
    Objects.requireNonNull(config, "config");
  }
}
