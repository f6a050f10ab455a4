package dev.kiln.planner;

import dev.kiln.planner.llb.ImageRef;
import dev.kiln.planner.llb.Platform;
import java.util.Map;
import java.util.Optional;

/**
 * Where the planner gets image configurations: the executor answers from the engine's
 * {@code ResolveImageConfig}; tests and {@code kiln plan} without an engine use a map or none.
 * Keeping this an input is what keeps the planner free of I/O.
 */
@FunctionalInterface
public interface ImageConfigs {
  /** The configuration of {@code ref} (without digest) for {@code platform}, if known. */
  Optional<ImageConfig> lookup(ImageRef ref, Platform platform);

  /** Knows no image: ENV, WORKDIR, USER and ENTRYPOINT are not applied and the plan says so. */
  static ImageConfigs none() {
    return (ref, platform) -> Optional.empty();
  }

  /** A fixed table keyed by normalised reference ({@code docker.io/library/busybox:latest}). */
  static ImageConfigs of(Map<String, ImageConfig> byRef) {
    Map<String, ImageConfig> copy = Map.copyOf(byRef);
    return (ref, platform) -> Optional.ofNullable(copy.get(ref.toString()));
  }
}
