package dev.kiln.model;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A Dockerfile build that a {@link Container} starts from: the engine's Dockerfile frontend builds
 * {@code dockerfile} with {@code context}.
 *
 * @param context the build context (its {@code .dockerignore} applies when it is a host directory,
 *     unless a {@code <Dockerfile>.dockerignore} lies next to a host Dockerfile)
 * @param dockerfile the Dockerfile: a file of {@code context}, or of another directory
 * @param target the stage to build, or empty for the last one
 * @param buildArgs {@code ARG} values by name, sorted (their order never changes the build)
 * @param secrets secrets {@code RUN --mount=type=secret,id=<name>} may read, by their names
 */
public record DockerBuild(Directory context, File dockerfile, String target, Map<String, String> buildArgs,
    List<Secret> secrets) {
  public DockerBuild {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(dockerfile, "dockerfile");
    Objects.requireNonNull(target, "target");
    buildArgs = Collections.unmodifiableMap(new TreeMap<>(buildArgs));
    secrets = List.copyOf(secrets);
  }

  /** {@code container.dockerfile(context, path)}: the last stage, no build arguments or secrets. */
  public static DockerBuild of(Directory context, String path) {
    return new DockerBuild(context, context.file(path), "", new TreeMap<>(), List.of());
  }
}
