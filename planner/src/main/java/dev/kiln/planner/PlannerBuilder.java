package dev.kiln.planner;

import dev.kiln.planner.llb.Platform;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Configures a {@link Planner}. {@link #preconfigured()} plans for Docker 20.10 (BuildKit v0.8,
 * see {@link EngineCapabilities#dockerV20_10()}), on {@code linux/amd64}, with no image configs,
 * no Dockerfile frontend and no ignore files; {@code set*} replaces a setting, {@code add*} adds to one.
 */
public final class PlannerBuilder {
  private EngineCapabilities engine = EngineCapabilities.dockerV20_10();
  private ImageConfigs imageConfigs = ImageConfigs.none();
  private DockerfileFrontend dockerfiles = DockerfileFrontend.none();
  private Platform platform = Platform.LINUX_AMD64;
  private final Map<String, HostIgnores> ignoreFiles = new HashMap<>();
  private final Map<String, IgnoreFile> dockerfileIgnoreFiles = new HashMap<>();

  private PlannerBuilder() {}

  /** A builder with Kiln's defaults. */
  public static PlannerBuilder preconfigured() {
    return new PlannerBuilder();
  }

  /** Replaces the engine the plan is made for (the executor passes its probe's result). */
  public PlannerBuilder setEngineCapabilities(EngineCapabilities engine) {
    this.engine = Objects.requireNonNull(engine, "engine");
    return this;
  }

  /** Replaces where image configurations come from. */
  public PlannerBuilder setImageConfigs(ImageConfigs imageConfigs) {
    this.imageConfigs = Objects.requireNonNull(imageConfigs, "imageConfigs");
    return this;
  }

  /** Replaces what builds Dockerfiles (the executor passes the engine's Dockerfile frontend). */
  public PlannerBuilder setDockerfileFrontend(DockerfileFrontend dockerfiles) {
    this.dockerfiles = Objects.requireNonNull(dockerfiles, "dockerfiles");
    return this;
  }

  /** Replaces the default platform of containers that do not name one. */
  public PlannerBuilder setPlatform(Platform platform) {
    this.platform = Objects.requireNonNull(platform, "platform");
    return this;
  }

  /**
   * Adds the ignore patterns of host directory {@code hostPath} (its {@code .dockerignore}
   * followed by its {@code .kilnignore}), replacing earlier ones for that directory.
   */
  public PlannerBuilder addIgnoreFile(String hostPath, IgnoreFile patterns) {
    return addIgnoreFile(hostPath, HostIgnores.of(Objects.requireNonNull(patterns, "patterns")));
  }

  /**
   * Adds the ignore patterns of host directory {@code hostPath}, with and without git's, replacing
   * earlier ones for that directory.
   */
  public PlannerBuilder addIgnoreFile(String hostPath, HostIgnores patterns) {
    ignoreFiles.put(LocalSources.name(hostPath), Objects.requireNonNull(patterns, "patterns"));
    return this;
  }

  /**
   * Adds the ignore patterns of the host Dockerfile {@code dockerfile} (its
   * {@code <Dockerfile>.dockerignore}, then its context's {@code .kilnignore}), which replace its
   * build context's own when the context is a host directory, as BuildKit does.
   */
  public PlannerBuilder addDockerfileIgnoreFile(String dockerfile, IgnoreFile patterns) {
    dockerfileIgnoreFiles.put(LocalSources.name(dockerfile), Objects.requireNonNull(patterns, "patterns"));
    return this;
  }

  /** A planner with the current settings; later changes to this builder do not affect it. */
  public Planner build() {
    return new PlannerImpl(new PlannerSettings(engine, imageConfigs, dockerfiles, platform, ignoreFiles,
        dockerfileIgnoreFiles));
  }
}
