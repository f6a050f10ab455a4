package dev.kiln.executor.filesync;

import dev.kiln.executor.proto.fsutil.Stat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a local source would send, as path -> size, mode, mtime and link target: the same listing
 * FileSync makes, so comparing two manifests names exactly the files a re-sync would send.
 */
public final class LocalManifest {
  private LocalManifest() {}

  /** The manifest of {@code root} filtered like a local source with these patterns. */
  public static Map<String, String> of(Path root, List<String> include, List<String> exclude) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (FileTree.Entry e : FileTree.list(root, include, exclude)) {
      Stat s = e.stat();
      out.put(s.getPath(), s.getSize() + ":" + Integer.toOctalString(s.getMode()) + ":" + s.getModTime() + ":"
          + s.getLinkname());
    }
    return out;
  }

  /** Paths added, removed or modified between two manifests, each marked. */
  public static List<String> changes(Map<String, String> before, Map<String, String> after) {
    List<String> out = new ArrayList<>();
    for (var e : after.entrySet()) {
      String old = before.get(e.getKey());
      if (old == null) {
        out.add(e.getKey() + " (added)");
      } else if (!old.equals(e.getValue())) {
        out.add(e.getKey() + " (modified)");
      }
    }
    for (String k : before.keySet()) {
      if (!after.containsKey(k)) {
        out.add(k + " (removed)");
      }
    }
    return out;
  }
}
