package dev.kiln.executor.engine;

import dev.kiln.planner.ImageConfig;
import dev.kiln.planner.ImageConfigs;
import dev.kiln.planner.llb.ImageRef;
import dev.kiln.planner.llb.Platform;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Image configurations as the engine resolves them (through its registry mirror and auth), asked
 * once per reference and platform while planning. BuildKit does not apply ENV, WORKDIR or USER
 * itself, so the planner needs them.
 */
public final class EngineImageConfigs implements ImageConfigs, AutoCloseable {
  private final Gateway gateway;
  private final Map<String, Optional<ImageConfig>> cache = new ConcurrentHashMap<>();

  public EngineImageConfigs(BuildkitConnection connection) {
    this.gateway = Gateway.open(connection, SolveOptions.none(), r -> { });
  }

  @Override
  public Optional<ImageConfig> lookup(ImageRef ref, Platform platform) {
    return cache.computeIfAbsent(ref + "@" + platform, k -> {
      var pb = dev.kiln.planner.llb.pb.Platform.newBuilder()
          .setOS(platform.os()).setArchitecture(platform.architecture()).setVariant(platform.variant()).build();
      var resp = gateway.resolveImageConfig(ref.toString(), pb);
      return Optional.of(ImageConfig.fromOciJson(resp.getConfig().toByteArray(), resp.getDigest()));
    });
  }

  @Override
  public void close() {
    gateway.close();
  }
}
