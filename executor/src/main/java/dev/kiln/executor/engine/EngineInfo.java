package dev.kiln.executor.engine;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.kiln.planner.EngineCapabilities;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What an engine is and can do, as Kiln needs to know before planning: its kind and BuildKit
 * version, workers, the LLB capabilities it enables, and the exporters and cache backends it offers.
 *
 * @param engine Docker's embedded BuildKit or a standalone buildkitd
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
@JsonPropertyOrder({"kind", "address"})
public record EngineInfo(
    @JsonIgnore EngineKind engine,
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
    Objects.requireNonNull(engine, "engine");
    workers = List.copyOf(workers);
    llbCaps = Collections.unmodifiableSortedSet(new TreeSet<>(llbCaps));
    disabledCaps = Collections.unmodifiableSortedMap(new TreeMap<>(disabledCaps));
    exporters = List.copyOf(exporters);
    cacheImports = List.copyOf(cacheImports);
    cacheExports = List.copyOf(cacheExports);
    sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
  }

  /** The engine's kind by name ({@code docker}, {@code buildkitd}), as {@code kiln engine info --format json} shows it. */
  @JsonProperty("kind")
  public String kind() {
    return engine.id();
  }

  /** For messages: {@code Docker 20.10.24 (BuildKit v0.8.2)}, {@code buildkitd v0.12.5}. */
  public String describe() {
    return engine.describe(dockerVersion, buildkitVersion);
  }

  /** What the planner needs to know of this engine. */
  public EngineCapabilities capabilities() {
    return new EngineCapabilities(engine.title(), dockerVersion == null ? buildkitVersion : dockerVersion,
        buildkitVersion, llbCaps);
  }

  /** Whether {@code field} was answered by the engine rather than derived. */
  public boolean probed(String field) {
    return PROBED.equals(sources.get(field));
  }

  static final String PROBED = "probed";
  static final String DERIVED = "derived";
  static final String CACHED = "cached";
}
