package dev.kiln.executor;

import dev.kiln.evaluator.KilnException;
import dev.kiln.executor.engine.EngineInfo;
import dev.kiln.executor.engine.SolveOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A remote cache source or destination in buildx syntax: {@code type=registry,ref=host/repo:tag,mode=max},
 * {@code type=inline}, {@code type=local,dest=dir}. A bare reference means {@code type=registry,ref=...}.
 *
 * @param type the cache backend
 * @param attrs the backend's attributes
 */
public record CacheSpec(String type, Map<String, String> attrs) {
  /** The spec is not valid, or the engine cannot use it. */
  public static final class InvalidCacheException extends KilnException {
    public InvalidCacheException(String message, String hint) {
      super(message, hint, null);
    }
  }

  public CacheSpec {
    attrs = Map.copyOf(attrs);
  }

  /** Parses one {@code --cache-from}/{@code --cache-to} value. */
  public static CacheSpec parse(String text) {
    String t = text.trim();
    if (t.isEmpty()) {
      throw new InvalidCacheException("empty cache specification", "use type=registry,ref=host/repo:tag or type=inline");
    }
    if (!t.contains("=")) {
      return new CacheSpec("registry", Map.of("ref", t));
    }
    Map<String, String> attrs = new LinkedHashMap<>();
    String type = null;
    for (String part : t.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new InvalidCacheException("invalid cache specification '" + text + "': '" + part + "' is not key=value",
            "write it like type=registry,ref=host/repo:tag,mode=max");
      }
      String k = part.substring(0, eq).trim();
      String v = part.substring(eq + 1).trim();
      if (k.equals("type")) {
        type = v;
      } else {
        attrs.put(k, v);
      }
    }
    if (type == null) {
      throw new InvalidCacheException("cache specification '" + text + "' has no type",
          "add type=registry, type=inline or type=local");
    }
    if (type.equals("registry") && !attrs.containsKey("ref")) {
      throw new InvalidCacheException("registry cache '" + text + "' has no ref", "add ref=host/repo:tag");
    }
    if (attrs.containsKey("mode") && !List.of("min", "max").contains(attrs.get("mode"))) {
      throw new InvalidCacheException("cache mode must be min or max, not '" + attrs.get("mode") + "'", null);
    }
    return new CacheSpec(type, attrs);
  }

  /**
   * Fails before anything runs when the engine cannot import ({@code export=false}) or export this
   * cache type, naming the engine and what it can do instead.
   */
  public void checkSupported(EngineInfo engine, boolean export) {
    List<String> supported = export ? engine.cacheExports() : engine.cacheImports();
    String engineName = engine.kind().equals("docker")
        ? "Docker " + engine.dockerVersion() + " (BuildKit " + engine.buildkitVersion() + ")"
        : "buildkitd " + engine.buildkitVersion();
    if (!supported.contains(type)) {
      throw new InvalidCacheException(engineName + " cannot " + (export ? "export" : "import") + " a '" + type
          + "' cache (it " + (export ? "exports" : "imports") + ": " + String.join(", ", supported) + ")",
          export && type.equals("registry") && supported.contains("inline")
              ? "use --cache-to type=inline with a published image, or run a standalone buildkitd"
                  + " (--engine unix:///run/buildkit/buildkitd.sock), which exports registry caches"
              : "choose one of: " + String.join(", ", supported));
    }
    if (type.equals("local")) {
      // A local cache is served from the client over the session's content store, which Kiln does not offer yet.
      throw new InvalidCacheException("'local' caches are not supported by Kiln yet", "use type=registry");
    }
  }

  /** As a solve's cache entry. */
  public SolveOptions.CacheEntry entry() {
    return new SolveOptions.CacheEntry(type, attrs);
  }
}
