package dev.kiln.executor;

import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.planner.llb.Definition;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Whether every vertex of a task came from the cache, from the status of its solves. */
final class CacheWatch {
  private final Map<String, Boolean> cached = new ConcurrentHashMap<>();

  void accept(StatusResponse r, Definition def) {
    Set<String> sources = sourceDigests(def);
    r.getVertexesList().forEach(v -> {
      // Sources (resolving an image, syncing local files) are redone on every solve and never
      // report "cached", nor do BuildKit's own steps around the task's: remote cache imports (read
      // on every solve, found or not) and exporters ("exporting to client" sends a task's exports
      // on every run); what says whether the task ran is everything else.
      String name = v.getName();
      if (v.hasCompleted() && !sources.contains(def.ownDigest(v.getDigest())) && !name.startsWith("docker-image://")
          && !name.startsWith("importing cache manifest from ") && !name.startsWith("exporting ")) {
        cached.put(v.getDigest(), v.getCached());
      }
    });
  }

  private static Set<String> sourceDigests(Definition def) {
    Set<String> out = new HashSet<>();
    List<String> digests = def.digests();
    for (int i = 0; i < def.size(); i++) {
      if (def.op(i).hasSource()) {
        out.add(digests.get(i));
      }
    }
    return out;
  }

  boolean allCached() {
    return !cached.isEmpty() && cached.values().stream().allMatch(Boolean::booleanValue);
  }
}
