package dev.kiln.executor.engine;

import dev.kiln.executor.EngineUnavailableException;
import dev.kiln.executor.proto.apicaps.APICap;
import dev.kiln.executor.proto.gateway.PongResponse;
import dev.kiln.executor.proto.types.WorkerRecord;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Asks an engine what it is and can do ({@link EngineInfo}). */
public final class EngineProbe {
  private static final String SNAPSHOTTER_LABEL = "org.mobyproject.buildkit.worker.snapshotter";

  private EngineProbe() {}

  /**
   * Probes the engine behind {@code connection}.
   *
   * @throws dev.kiln.executor.EngineUnavailableException when the engine does not answer
   */
  public static EngineInfo probe(BuildkitConnection connection) {
    return probe(connection, CapsCache.none());
  }

  /**
   * Probes the engine behind {@code connection}, taking its LLB capabilities from {@code cache}
   * when an engine with the same versions and workers announced them recently.
   */
  public static EngineInfo probe(BuildkitConnection connection, CapsCache cache) {
    try {
      return ask(connection, cache);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
        throw BuildkitErrors.unavailable("the engine does not answer BuildKit's API", connection.address(), e,
            connection.dialFailure());
      }
      throw BuildkitErrors.fromCall(e, "asking the engine what it is", null, connection.address(),
          connection.dialFailure());
    } catch (IOException e) {
      throw new EngineUnavailableException("the engine stopped answering",
          List.of(connection.address() + ": " + e.getMessage()), "check that the engine is running", e);
    }
  }

  private static EngineInfo ask(BuildkitConnection connection, CapsCache cache) throws IOException {
    EngineKind kind = connection.engineKind();
    boolean docker = kind == EngineKind.DOCKER;
    List<EngineInfo.Worker> workers = new ArrayList<>();
    String workerVersion = null;
    for (WorkerRecord w : connection.control().listWorkers().getRecordList()) {
      List<String> platforms = new ArrayList<>();
      w.getPlatformsList().forEach(p -> platforms.add(
          p.getOS() + "/" + p.getArchitecture() + (p.getVariant().isEmpty() ? "" : "/" + p.getVariant())));
      String snapshotter = w.getLabelsOrDefault(SNAPSHOTTER_LABEL, "");
      if (w.hasBuildkitVersion() && !w.getBuildkitVersion().getVersion().isEmpty()) {
        workerVersion = w.getBuildkitVersion().getVersion(); // v0.11+
      }
      workers.add(new EngineInfo.Worker(w.getID(), platforms, snapshotter,
          docker && w.getLabelsMap().containsKey(SNAPSHOTTER_LABEL)));
    }

    String dockerVersion = docker ? connection.dockerVersion() : null;
    String version = null;
    String versionSource = EngineInfo.DERIVED;
    // A Docker whose BuildKit predates the Info RPC (v0.11) is not asked: the failed call cost every
    // run on Docker 20.10 a round trip and an exception.
    if (!docker || !beforeInfoRpc(dockerVersion)) {
      try {
        version = connection.control().info().getBuildkitVersion().getVersion();
        versionSource = EngineInfo.PROBED;
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
          throw e;
        }
      }
    }
    if (version == null && workerVersion != null) {
      // No Info RPC (before v0.11): a worker record's version, if one reports it, else derived below.
      version = workerVersion;
      versionSource = EngineInfo.PROBED;
    }
    if (docker && version == null) {
      version = buildkitForDocker(dockerVersion);
    }
    if (version == null) {
      version = "unknown (< v0.11: no Info RPC)";
    }

    // Everything that decides the capabilities; the address too, as two daemons may differ in
    // configuration (entitlements) without differing in version.
    String fingerprint = String.join("|", connection.address().toString(), kind.id(),
        String.valueOf(dockerVersion), version, workers.toString());
    Set<String> caps = new TreeSet<>();
    Map<String, String> disabled = new TreeMap<>();
    var cached = cache.lookup(fingerprint);
    if (cached.isPresent()) {
      caps.addAll(cached.get().caps());
      disabled.putAll(cached.get().disabled());
    } else try (Gateway gw = Gateway.open(connection, SolveOptions.none(), r -> { })) {
      PongResponse pong = gw.ping();
      for (APICap c : pong.getLLBCapsList()) {
        if (c.getEnabled()) {
          caps.add(c.getID());
        } else {
          disabled.put(c.getID(), c.getDisabledReasonMsg().isEmpty() ? c.getDisabledReason() : c.getDisabledReasonMsg());
        }
      }
      cache.store(fingerprint, caps, disabled);
    }

    boolean containerdStore = workers.stream().anyMatch(EngineInfo.Worker::containerdStore);
    List<String> exporters;
    List<String> cacheImports;
    List<String> cacheExports;
    if (docker && !containerdStore) {
      exporters = List.of("moby", "local", "tar");
      cacheImports = List.of("registry", "local");
      cacheExports = List.of("inline");
    } else if (docker) {
      exporters = List.of("image", "moby", "oci", "docker", "local", "tar");
      cacheImports = List.of("registry", "local", "gha");
      cacheExports = List.of("inline", "registry", "local", "gha");
    } else {
      exporters = List.of("image", "oci", "docker", "local", "tar");
      cacheImports = List.of("registry", "local", "gha", "s3", "azblob");
      cacheExports = List.of("inline", "registry", "local", "gha", "s3", "azblob");
    }
    Map<String, String> sources = new LinkedHashMap<>();
    sources.put("dockerVersion", EngineInfo.PROBED);
    sources.put("buildkitVersion", versionSource);
    sources.put("workers", EngineInfo.PROBED);
    sources.put("llbCaps", cached.isPresent() ? EngineInfo.CACHED : EngineInfo.PROBED);
    sources.put("exporters", EngineInfo.DERIVED);
    sources.put("cacheImports", EngineInfo.DERIVED);
    sources.put("cacheExports", EngineInfo.DERIVED);
    return new EngineInfo(kind, connection.address().toString(), dockerVersion,
        version, workers, caps, disabled, exporters, cacheImports, cacheExports, sources);
  }

  /**
   * The BuildKit version Docker embeds (moby's vendor files). Exact where the
   * table is exact; {@code v0.8.2} for 20.10.4 and later means v0.8.2 plus Docker's backports.
   */
  static String buildkitForDocker(String dockerVersion) {
    if (dockerVersion == null) {
      return null;
    }
    String[] parts = dockerVersion.split("[.+~-]");
    int major = number(parts, 0);
    int minor = number(parts, 1);
    int patch = number(parts, 2);
    return switch (major) {
      case 19 -> "v0.6";
      case 20 -> patch <= 2 ? "v0.8.1" : "v0.8.2";
      case 23 -> "v0.10.6";
      case 24 -> "v0.11.6";
      case 25 -> "v0.12.5";
      case 26 -> minor == 0 ? "v0.13.1" : "v0.13.2";
      case 27 -> "v0.18";
      case 28 -> "v0.20";
      case 29 -> "v0.32";
      default -> null;
    };
  }

  /** Whether Docker {@code dockerVersion} embeds a BuildKit without the Info RPC (Docker 23 and older). */
  static boolean beforeInfoRpc(String dockerVersion) {
    if (dockerVersion == null) {
      return false;
    }
    int major = number(dockerVersion.split("[.+~-]"), 0);
    return major > 0 && major <= 23;
  }

  private static int number(String[] parts, int i) {
    try {
      return i < parts.length ? Integer.parseInt(parts[i]) : 0;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
