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
 * @param workers the engine's workers
 * @param llbCaps LLB capabilities the engine enables (from {@code LLBBridge/Ping})
 * @param disabledCaps capabilities the engine knows but has disabled, with the reason
 * @param exporters exporter types the engine offers
 * @param cacheImports remote cache types it can import
 * @param cacheExports remote cache types it can export
 * @param sources for each of the fields above, how Kiln learned it: {@code probed} (the engine
 *     answered: ListWorkers, Info, LLBBridge/Ping) or {@code derived} (from kind, Docker version
 *     and image store, for what the engine has no API to tell: exporters and cache types, and the
 *     BuildKit version before v0.11, which has no Info RPC) or {@code cached} (LLB capabilities an
 *     engine with the same versions and workers announced to an earlier run: {@link CapsCache})
 */
public record EngineInfo(
    String kind,
    String address,
    String dockerVersion,
    String buildkitVersion,
    List<Worker> workers,
    Set<String> llbCaps,
    Map<String, String> disabledCaps,
    List<String> exporters,
    List<String> cacheImports,
    List<String> cacheExports,
    Map<String, String> sources) {

  /** One worker: id, platforms and whether it uses the containerd image store. */
  public record Worker(String id, List<String> platforms, String snapshotter, boolean containerdStore) {}

  public EngineInfo {
    workers = List.copyOf(workers);
    llbCaps = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(llbCaps));
    disabledCaps = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(disabledCaps));
    exporters = List.copyOf(exporters);
    cacheImports = List.copyOf(cacheImports);
    cacheExports = List.copyOf(cacheExports);
    sources = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(sources));
  }

  /** Whether {@code field} was answered by the engine rather than derived. */
  public boolean probed(String field) {
    return PROBED.equals(sources.get(field));
  }

  static final String PROBED = "probed";
  static final String DERIVED = "derived";
  static final String CACHED = "cached";
}
