package dev.kiln.executor.cache;

import dev.kiln.executor.engine.EngineInfo;
import dev.kiln.executor.engine.SolveOptions;
import dev.kiln.model.RemoteCache;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine's view of a {@link RemoteCache}: its backend type, whether the engine has it, the
 * attributes of a solve's cache entry, and a solve's share of a registry cache.
 */
public final class RemoteCaches {
  private RemoteCaches() {}

  /** The engine's name for the cache's backend: {@code registry}, {@code local}, {@code inline}... */
  public static String type(RemoteCache cache) {
    if (cache instanceof RemoteCache.Registry) {
      return "registry";
    }
    if (cache instanceof RemoteCache.Local) {
      return "local";
    }
    if (cache instanceof RemoteCache.Inline) {
      return "inline";
    }
    return ((RemoteCache.Other) cache).type();
  }

  /** The solve's cache import entry. */
  public static SolveOptions.CacheEntry importEntry(RemoteCache cache) {
    return entry(cache, false);
  }

  /** The solve's cache export entry. */
  public static SolveOptions.CacheEntry exportEntry(RemoteCache cache) {
    return entry(cache, true);
  }

  private static SolveOptions.CacheEntry entry(RemoteCache cache, boolean export) {
    Map<String, String> attrs = new LinkedHashMap<>();
    if (cache instanceof RemoteCache.Registry r) {
      attrs.put("ref", r.ref());
      if (export) {
        attrs.put("mode", r.mode().toString());
      }
      attrs.putAll(r.attributes());
    } else if (cache instanceof RemoteCache.Local l) {
      // The directory names the store the session's content service serves (ContentService.storeId).
      attrs.put(export ? "dest" : "src", l.dir().toString());
      attrs.put("tag", l.tag());
      if (export) {
        attrs.put("mode", l.mode().toString());
      } else if (l.digest() != null) {
        attrs.put("digest", l.digest());
      }
      attrs.putAll(l.attributes());
    } else if (cache instanceof RemoteCache.Other o) {
      attrs.putAll(o.attributes());
    }
    return new SolveOptions.CacheEntry(type(cache), attrs);
  }

  /**
   * Fails before anything runs when the engine cannot import ({@code export=false}) or export this
   * cache's type, naming the engine and what it can do instead.
   *
   * @throws UnsupportedCacheException located where the pipeline declares the cache
   */
  public static void checkSupported(RemoteCache cache, EngineInfo engine, boolean export) {
    String type = type(cache);
    List<String> supported = export ? engine.cacheExports() : engine.cacheImports();
    if (supported.contains(type)) {
      return;
    }
    String engineName = engine.describe();
    throw new UnsupportedCacheException(engineName + " cannot " + (export ? "export" : "import") + " a '" + type
        + "' cache (it " + (export ? "exports" : "imports") + ": " + String.join(", ", supported) + ")",
        export && type.equals("registry") && supported.contains("inline")
            ? "use --cache-to type=inline with a published image, or run a standalone buildkitd"
                + " (--engine unix:///run/buildkit/buildkitd.sock), which exports registry caches"
            : "choose one of: " + String.join(", ", supported),
        cache.location());
  }

  /**
   * For a registry cache, the ref that holds one solve's share: {@code host/repo:tag-<solve>}. A
   * registry keeps one manifest per ref and a run is a solve per task, so one shared ref would keep
   * only the last task's cache (buildx bake users give each target its own ref for this reason).
   * Other types, and refs pinned by digest, are returned as they are.
   */
  public static RemoteCache share(RemoteCache cache, String solve) {
    if (!(cache instanceof RemoteCache.Registry r) || r.ref().contains("@")) {
      return cache;
    }
    String ref = r.ref();
    int slash = ref.lastIndexOf('/');
    int colon = ref.indexOf(':', slash + 1);
    String repo = colon < 0 ? ref : ref.substring(0, colon);
    String tag = (colon < 0 ? "latest" : ref.substring(colon + 1)) + "-" + solve;
    if (tag.length() > 128) { // the registry's limit on tags
      tag = tag.substring(0, 111) + "-" + Integer.toHexString(tag.hashCode());
    }
    return r.withRef(repo + ":" + tag);
  }
}
