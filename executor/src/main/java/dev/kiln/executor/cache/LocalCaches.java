package dev.kiln.executor.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.model.RemoteCache;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A run's {@code type=local} caches. The engine exports one cache manifest per solve, and a run has
 * a solve per task, so each is listed in {@code index.json} under its own name
 * ({@code <tag>-<task>-<n>}, annotated with {@link #TAG}) and imported all together: exporting
 * every task to the one tag, as buildx does for its single build, would keep only the last task's.
 * The plain tag also points at the latest manifest, for buildx users of the same directory.
 */
public final class LocalCaches {
  /** The annotation marking a manifest as one solve's share of the cache under a tag. */
  public static final String TAG = "dev.kiln.cache.tag";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, OciLayout> stores = new LinkedHashMap<>();
  private final Map<OciLayout, String> exportTags = new LinkedHashMap<>();

  /** The local caches among {@code imports} and {@code exports} (whose directories are absolute). */
  public LocalCaches(List<RemoteCache> imports, List<RemoteCache> exports) {
    for (RemoteCache c : imports) {
      if (c instanceof RemoteCache.Local l) {
        store(l);
      }
    }
    for (RemoteCache c : exports) {
      if (c instanceof RemoteCache.Local l) {
        exportTags.put(store(l), l.tag());
      }
    }
  }

  private OciLayout store(RemoteCache.Local cache) {
    return stores.computeIfAbsent(ContentService.storeId(cache.dir().toString()), k -> new OciLayout(cache.dir()));
  }

  /** Whether the run has local caches, so its sessions must serve the content store. */
  public boolean any() {
    return !stores.isEmpty();
  }

  /** The content store serving every local cache directory of the run. */
  public ContentService service() {
    return new ContentService(stores);
  }

  /**
   * The imports the engine can use: a local cache needs the digest of its manifest, read here from
   * {@code index.json}; Kiln's per-solve manifests under the tag are all imported. A directory
   * without a cache yet is left out with a warning (a first run has nothing to import).
   */
  public static List<RemoteCache> resolveImports(List<RemoteCache> imports, Consumer<String> warnings) {
    List<RemoteCache> out = new ArrayList<>();
    for (RemoteCache c : imports) {
      if (!(c instanceof RemoteCache.Local local) || local.digest() != null) {
        out.add(c);
        continue;
      }
      List<String> digests;
      try {
        digests = digests(new OciLayout(local.dir()), local.tag());
      } catch (IOException e) {
        warnings.accept("cannot read the local cache in " + local.dir() + " (" + e.getMessage()
            + "); running without it");
        continue;
      }
      if (digests.isEmpty()) {
        warnings.accept("no local cache tagged '" + local.tag() + "' in " + local.dir() + " yet; running without it");
      }
      for (String d : digests) {
        out.add(local.withDigest(d));
      }
    }
    return out;
  }

  static List<String> digests(OciLayout layout, String tag) throws IOException {
    Set<String> kiln = new LinkedHashSet<>();
    String plain = null;
    for (JsonNode m : layout.manifests()) {
      JsonNode ann = m.path("annotations");
      String digest = m.path("digest").asText("");
      if (!OciLayout.isDigest(digest)) {
        continue;
      }
      if (tag.equals(ann.path(TAG).asText(null))) {
        kiln.add(digest);
      } else if (tag.equals(ann.path(OciLayout.REF_NAME).asText(null))) {
        plain = digest;
      }
    }
    if (kiln.isEmpty() && plain != null) {
      kiln.add(plain); // a cache buildx wrote
    }
    return List.copyOf(kiln);
  }

  /**
   * Lists the cache manifest a solve exported (the engine's {@code cache.manifest} response) in each
   * export directory, as {@code solve}'s share.
   */
  public void exported(String solve, Map<String, String> exporterResponse) throws IOException {
    String manifest = exporterResponse.get("cache.manifest");
    if (manifest == null || manifest.isEmpty()) {
      return;
    }
    JsonNode descriptor = JSON.readTree(manifest);
    for (Map.Entry<OciLayout, String> e : exportTags.entrySet()) {
      String tag = e.getValue();
      e.getKey().put(descriptor, List.of(Map.of(OciLayout.REF_NAME, tag + "-" + solve, TAG, tag),
          Map.of(OciLayout.REF_NAME, tag)));
    }
  }
}
