package dev.kiln.executor;

import dev.kiln.executor.cache.LocalCaches;
import dev.kiln.executor.cache.RemoteCaches;
import dev.kiln.executor.engine.SolveOptions;
import dev.kiln.model.RemoteCache;
import dev.kiln.planner.Plan;
import dev.kiln.planner.PlannedTarget;
import dev.kiln.planner.PlannedTask;
import io.grpc.ServerServiceDefinition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run's remote caches as each solve uses them: every solve imports them all, and exports to its
 * own share (see {@link RemoteCaches#share}); local caches are served from the session's content store.
 */
final class SolveCaches {
  private final List<RemoteCache> exports;
  private final LocalCaches local;
  private final List<SolveOptions.CacheEntry> imports;

  /**
   * @param from caches to import (local ones with their manifest digests resolved)
   * @param to caches to export
   * @param registryShares whether the engine can export registry caches, so that each solve's share
   *     of a registry cache may exist and is imported too
   * @param plan the run's plan, whose solves' shares are imported
   */
  SolveCaches(List<RemoteCache> from, List<RemoteCache> to, boolean registryShares, Plan plan) {
    this(from, to, registryShares, plan, List.of());
  }

  /** @param exact registry caches imported as they are, without shares (the fleet's, see {@link FleetCaches}) */
  SolveCaches(List<RemoteCache> from, List<RemoteCache> to, boolean registryShares, Plan plan,
      List<RemoteCache> exact) {
    this.exports = List.copyOf(to);
    this.local = new LocalCaches(from, to);
    List<SolveOptions.CacheEntry> all = new ArrayList<>(importsFor(from, registryShares, plan));
    exact.forEach(c -> all.add(RemoteCaches.importEntry(c)));
    this.imports = List.copyOf(all);
  }

  /**
   * The cache imports of {@code plan}'s solves: a registry cache's ref itself, then the share of
   * each solve of the plan, the others as they are.
   */
  private static List<SolveOptions.CacheEntry> importsFor(List<RemoteCache> from, boolean registryShares, Plan plan) {
    List<String> solves = new ArrayList<>();
    for (PlannedTask t : plan.tasks()) {
      List<PlannedTarget> solved = TargetSolver.solvedTargets(t);
      for (PlannedTarget target : t.targets()) {
        if (solved.contains(target) || target.kind() == PlannedTarget.Kind.INPUT) {
          solves.add(TargetSolver.solveName(t, target));
        }
      }
    }
    List<SolveOptions.CacheEntry> out = new ArrayList<>();
    for (RemoteCache c : from) {
      out.add(RemoteCaches.importEntry(c));
      if (c instanceof RemoteCache.Registry && registryShares) {
        for (String solve : solves) {
          RemoteCache share = RemoteCaches.share(c, solve);
          if (share != c) {
            out.add(RemoteCaches.importEntry(share));
          }
        }
      }
    }
    return List.copyOf(out);
  }

  /** What every solve imports. */
  List<SolveOptions.CacheEntry> imports() {
    return imports;
  }

  /** Whether solves export any cache (a gateway solve must then hand the engine its result). */
  boolean exporting() {
    return !exports.isEmpty();
  }

  /**
   * Cache exports for a solve: {@code inline} only where an image is exported, the others
   * everywhere. A registry cache goes to the solve's own share of its ref only: parallel tasks
   * pushing one ref would each replace the others' cache (and a registry may fail such races).
   */
  List<SolveOptions.CacheEntry> exports(boolean image, String solve) {
    return exports.stream().filter(c -> image || !(c instanceof RemoteCache.Inline))
        .map(c -> RemoteCaches.exportEntry(RemoteCaches.share(c, solve))).toList();
  }

  /** {@code options} with the imports and the exports of a solve that exports no image. */
  SolveOptions withCache(SolveOptions options, String solve) {
    SolveOptions out = exportsOnly(options, solve);
    for (SolveOptions.CacheEntry e : imports) {
      out = out.withCacheImport(e);
    }
    return out;
  }

  /** With the cache exports of a solve that exports no image (a gateway solve takes its imports per solve). */
  SolveOptions exportsOnly(SolveOptions options, String solve) {
    SolveOptions out = options;
    for (SolveOptions.CacheEntry e : exports(false, solve)) {
      out = out.withCacheExport(e);
    }
    return out;
  }

  /** The content store a session serves when the run has local caches. */
  Optional<ServerServiceDefinition> contentStore() {
    return local.any() ? Optional.of(local.service().definition()) : Optional.empty();
  }

  /** Records the cache a solve exported to a local cache (the engine's response). */
  void exported(String solve, Map<String, String> exporterResponse) throws IOException {
    local.exported(solve, exporterResponse);
  }
}
