package dev.kiln.executor.engine;

import dev.kiln.executor.EngineUnavailableException;
import dev.kiln.planner.ImageConfig;
import dev.kiln.planner.ImageConfigs;
import dev.kiln.planner.llb.ImageRef;
import dev.kiln.planner.llb.Platform;
import dev.kiln.executor.auth.AuthService;
import dev.kiln.executor.auth.DockerCredentials;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Image configurations as the engine resolves them (through its registry mirror and auth), asked
 * once per reference and platform while planning. BuildKit does not apply ENV, WORKDIR or USER
 * itself, so the planner needs them. The build that resolves them has a session of its own: the
 * engine asks it for registry credentials, and without one a private registry's challenge fails
 * with "no active sessions".
 */
public final class EngineImageConfigs implements ImageConfigs, AutoCloseable {
  private final Session session;
  private final Gateway gateway;
  private final Map<String, Optional<ImageConfig>> cache = new ConcurrentHashMap<>();

  /** Opens the build; the engine gets registry credentials from {@code credentials}. */
  public EngineImageConfigs(BuildkitConnection connection, DockerCredentials credentials) {
    try {
      this.session = Session.builder().name("kiln resolve").addService(new AuthService(credentials)).start(connection);
    } catch (IOException e) {
      throw new EngineUnavailableException("cannot open a session to resolve images",
          List.of(connection.address() + ": " + e.getMessage()),
          "check that the engine is running and serves BuildKit (`kiln engine info`)", e);
    }
    this.gateway = Gateway.open(connection, SolveOptions.none().withSession(session.id()), r -> { }, credentials);
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
    try {
      gateway.close();
    } finally {
      session.close();
    }
  }
}
