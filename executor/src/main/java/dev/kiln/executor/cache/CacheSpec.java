package dev.kiln.executor.cache;

import dev.kiln.executor.engine.EngineInfo;
import dev.kiln.executor.engine.SolveOptions;
import dev.kiln.model.KilnException;
import java.nio.file.Path;
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
    if (type.equals("local") && !attrs.containsKey(export ? "dest" : "src")) {
      throw new InvalidCacheException("a local cache " + (export ? "export needs dest=DIR" : "import needs src=DIR")
          + ": '" + this + "'", export ? "write type=local,dest=DIR" : "write type=local,src=DIR");
    }
  }

  /** This spec with a local cache's directory made absolute against {@code base}. */
  public CacheSpec resolve(Path base) {
    if (!type.equals("local")) {
      return this;
    }
    Map<String, String> out = new LinkedHashMap<>(attrs);
    for (String key : List.of("src", "dest")) {
      if (out.containsKey(key)) {
        out.put(key, base.resolve(out.get(key)).toAbsolutePath().normalize().toString());
      }
    }
    return new CacheSpec(type, out);
  }

  /**
   * For a registry cache, the ref that holds one solve's share: {@code host/repo:tag-<solve>}. A
   * registry keeps one manifest per ref and a run is a solve per task, so one shared ref would keep
   * only the last task's cache (buildx bake users give each target its own ref for this reason).
   * Other types, and refs pinned by digest, are returned as they are.
   */
  public CacheSpec share(String solve) {
    String ref = attrs.get("ref");
    if (!type.equals("registry") || ref == null || ref.contains("@")) {
      return this;
    }
    int slash = ref.lastIndexOf('/');
    int colon = ref.indexOf(':', slash + 1);
    String repo = colon < 0 ? ref : ref.substring(0, colon);
    String tag = (colon < 0 ? "latest" : ref.substring(colon + 1)) + "-" + solve;
    if (tag.length() > 128) { // the registry's limit on tags
      tag = tag.substring(0, 111) + "-" + Integer.toHexString(tag.hashCode());
    }
    Map<String, String> out = new LinkedHashMap<>(attrs);
    out.put("ref", repo + ":" + tag);
    return new CacheSpec(type, out);
  }

  /** The spec in buildx syntax. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("type=").append(type);
    new java.util.TreeMap<>(attrs).forEach((k, v) -> sb.append(',').append(k).append('=').append(v));
    return sb.toString();
  }

  /** As a solve's cache entry. */
  public SolveOptions.CacheEntry entry() {
    return new SolveOptions.CacheEntry(type, attrs);
  }
}
