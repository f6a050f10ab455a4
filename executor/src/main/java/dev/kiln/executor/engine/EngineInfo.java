package dev.kiln.executor.engine;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an engine is and can do, as Kiln needs to know before planning: its kind and BuildKit
 * version, workers, the LLB capabilities it enables, and the exporters and cache backends it offers.
 *
 * @param kind {@code docker} (Docker's embedded BuildKit) or {@code buildkitd}
 * @param address where it was reached
 * @param dockerVersion the Docker daemon's version, for {@code docker}; else null
 * @param buildkitVersion BuildKit's version, e.g. {@code v0.8.2}
 * @param versionSource how the version was learned: {@code info} (the Info RPC) or {@code derived}
 *     (from Docker's version: engines before BuildKit v0.11 have no Info RPC)
 * @param workers the engine's workers
 * @param llbCaps LLB capabilities the engine enables (from {@code LLBBridge/Ping})
 * @param disabledCaps capabilities the engine knows but has disabled, with the reason
 * @param exporters exporter types the engine offers
 * @param cacheImports remote cache types it can import
 * @param cacheExports remote cache types it can export
 * @param featuresSource {@code derived}: exporters and cache types follow from kind, version and
 *     image store (the engine has no API that lists them)
 */
public record EngineInfo(
    String kind,
    String address,
    String dockerVersion,
    String buildkitVersion,
    String versionSource,
    List<Worker> workers,
    Set<String> llbCaps,
    Map<String, String> disabledCaps,
    List<String> exporters,
    List<String> cacheImports,
    List<String> cacheExports,
    String featuresSource) {

  /** One worker: id, platforms and whether it uses the containerd image store. */
  public record Worker(String id, List<String> platforms, String snapshotter, boolean containerdStore) {}

  public EngineInfo {
    workers = List.copyOf(workers);
    llbCaps = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(llbCaps));
    disabledCaps = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(disabledCaps));
    exporters = List.copyOf(exporters);
    cacheImports = List.copyOf(cacheImports);
    cacheExports = List.copyOf(cacheExports);
  }
}
