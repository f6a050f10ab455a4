package dev.kiln.planner;

import dev.kiln.planner.llb.Platform;
import java.util.Map;

/** What a {@link PlannerBuilder} configured; read by the planner's parts. */
record PlannerSettings(
    EngineCapabilities engine, ImageConfigs imageConfigs, DockerfileFrontend dockerfiles, Platform platform,
    Map<String, HostIgnores> ignoreFiles, Map<String, IgnoreFile> dockerfileIgnoreFiles) {
  PlannerSettings {
    ignoreFiles = Map.copyOf(ignoreFiles);
    dockerfileIgnoreFiles = Map.copyOf(dockerfileIgnoreFiles);
  }
}
