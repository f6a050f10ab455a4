package dev.kiln.executor.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What to do with a solve besides building: the session it may call back, exporters, cache
 * import/export entries and frontend attributes. Immutable.
 *
 * @param sessionId the session serving local sources, exports and secrets, or null
 * @param exporters exporters in order; FileSend picks its target by this index
 * @param cacheImports remote cache sources
 * @param cacheExports remote cache destinations
 * @param entitlements e.g. {@code network.host}
 * @param frontendAttrs {@code SolveRequest.FrontendAttrs}, for a frontend solve or the gateway
 */
public record SolveOptions(
    String sessionId,
    List<Exporter> exporters,
    List<CacheEntry> cacheImports,
    List<CacheEntry> cacheExports,
    List<String> entitlements,
    Map<String, String> frontendAttrs) {

  /** An exporter type ({@code local}, {@code image}, {@code moby}, {@code tar}...) and its attributes. */
  public record Exporter(String type, Map<String, String> attrs) {
    public Exporter {
      Objects.requireNonNull(type, "type");
      attrs = Map.copyOf(attrs);
    }
  }

  /** A cache import or export ({@code registry}, {@code local}, {@code inline}...) and its attributes. */
  public record CacheEntry(String type, Map<String, String> attrs) {
    public CacheEntry {
      Objects.requireNonNull(type, "type");
      attrs = Map.copyOf(attrs);
    }
  }

  public SolveOptions {
    exporters = List.copyOf(exporters);
    cacheImports = List.copyOf(cacheImports);
    cacheExports = List.copyOf(cacheExports);
    entitlements = List.copyOf(entitlements);
    frontendAttrs = Collections.unmodifiableMap(new TreeMap<>(frontendAttrs));
  }

  /** Options without frontend attributes. */
  public SolveOptions(String sessionId, List<Exporter> exporters, List<CacheEntry> cacheImports,
      List<CacheEntry> cacheExports, List<String> entitlements) {
    this(sessionId, exporters, cacheImports, cacheExports, entitlements, Map.of());
  }

  /** No session, no exports: build only. */
  public static SolveOptions none() {
    return new SolveOptions(null, List.of(), List.of(), List.of(), List.of(), Map.of());
  }

  /** These options with the given session. */
  public SolveOptions withSession(String id) {
    return new SolveOptions(id, exporters, cacheImports, cacheExports, entitlements, frontendAttrs);
  }

  /** These options with one more exporter. */
  public SolveOptions withExporter(Exporter e) {
    List<Exporter> all = new ArrayList<>(exporters);
    all.add(e);
    return new SolveOptions(sessionId, all, cacheImports, cacheExports, entitlements, frontendAttrs);
  }

  /** These options with one more cache import. */
  public SolveOptions withCacheImport(CacheEntry c) {
    return new SolveOptions(sessionId, exporters, append(cacheImports, c), cacheExports, entitlements,
        frontendAttrs);
  }

  /** These options with one more cache export. */
  public SolveOptions withCacheExport(CacheEntry c) {
    return new SolveOptions(sessionId, exporters, cacheImports, append(cacheExports, c), entitlements,
        frontendAttrs);
  }

  private static <T> List<T> append(List<T> list, T item) {
    List<T> all = new ArrayList<>(list);
    all.add(Objects.requireNonNull(item));
    return all;
  }
}
