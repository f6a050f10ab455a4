package dev.kiln.planner;

import dev.kiln.model.SourceLocation;
import dev.kiln.planner.llb.Definition;
import dev.kiln.planner.llb.Platform;
import java.util.Collections;
import java.util.Objects;
import java.util.Map;
import java.util.TreeMap;

/**
 * One Dockerfile build the planner needs: the context as LLB (which the frontend reads in place of
 * a local directory, so the context's own filters and {@code .dockerignore} apply), and the options.
 *
 * @param context the build context, its files at the root; unstamped like every planned definition
 * @param dockerfileDirectory the directory holding the Dockerfile, likewise; equal to {@code context}
 *     when the Dockerfile is in it
 * @param dockerfile the Dockerfile's path inside {@code dockerfileDirectory}
 * @param target the stage to build, or empty for the last
 * @param buildArgs {@code ARG} values, sorted by name
 * @param platform the platform to build for
 * @param location where the Dockerfile is, for errors: the host file when the context is a host
 *     directory, else the path in the context; its line is filled in from the frontend's answer
 */
public record DockerfileRequest(Definition context, Definition dockerfileDirectory, String dockerfile, String target,
    Map<String, String> buildArgs, Platform platform, SourceLocation location) {
  public DockerfileRequest {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(dockerfileDirectory, "dockerfileDirectory");
    Objects.requireNonNull(dockerfile, "dockerfile");
    Objects.requireNonNull(target, "target");
    buildArgs = Collections.unmodifiableMap(new TreeMap<>(buildArgs));
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(location, "location");
  }
}
