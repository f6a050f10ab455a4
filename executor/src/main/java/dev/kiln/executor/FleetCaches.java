package dev.kiln.executor;

import dev.kiln.executor.cache.RemoteCaches;
import dev.kiln.executor.engine.EngineInfo;
import dev.kiln.model.RemoteCache;
import dev.kiln.planner.Plan;
import dev.kiln.planner.PlannedTarget;
import dev.kiln.planner.PlannedTask;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The fleet's registry as a run's solves use it. One repository per project under the fleet's
 * registry ({@code REGISTRY/<project hash>}) holds:
 * <ul>
 *   <li>each solve's share of the shared build cache ({@code :cache-<task>-<n>}), exported with
 *       {@code mode=max} by engines that can export a registry cache;</li>
 *   <li>each task's result as an image with inline cache ({@code :cache-<task>-result}), pushed by
 *       engines that cannot (Docker's BuildKit exports inline only).</li>
 * </ul>
 * A task imports its own shares and its dependencies' shares and results, so a task whose producer
 * ran on another engine has the producer's steps from the registry (the engine pulls the layers),
 * never through the client, and a task failed over to a cold engine starts from the others' work.
 */
final class FleetCaches {
  private final Optional<RemoteCache.Registry> cache;
  private final Map<String, PlannedTask> byName;

  /**
   * @param registry the fleet's registry repository prefix, or empty for none
   * @param projectKey the project's stable key (its repository name is a hash of it)
   */
  FleetCaches(Optional<String> registry, String projectKey, Plan plan) {
    this.cache = registry.map(r -> new RemoteCache.Registry(strip(r) + "/" + hash(projectKey) + ":cache",
        RemoteCache.Mode.MAX));
    this.byName = new java.util.HashMap<>();
    plan.tasks().forEach(t -> byName.put(t.name(), t));
  }

  /** Whether the fleet has a registry (without one, dependents recompute their producers' steps). */
  boolean enabled() {
    return cache.isPresent();
  }

  /**
   * What {@code task} imports from the fleet's registry on {@code engine}: the results of its
   * dependencies that ran on other engines in this run (pushed by engines that export inline only),
   * and, when it runs again after a failover, its own; where the engine exports registry caches,
   * also its own and its dependencies' {@code mode=max} shares. Only what exists is imported:
   * Docker 20.10's BuildKit matches inline caches less reliably with imports it cannot find.
   *
   * @param ranOn the engine each task of the run that succeeded ran on
   * @param failedOver whether the task runs again after an engine failed under it
   */
  List<RemoteCache> imports(PlannedTask task, String engineName, EngineInfo engine, Map<String, String> ranOn,
      boolean failedOver) {
    if (cache.isEmpty()) {
      return List.of();
    }
    Set<RemoteCache> out = new LinkedHashSet<>();
    List<PlannedTask> related = new ArrayList<>();
    related.add(task);
    task.dependsOn().stream().map(byName::get).filter(t -> t != null).forEach(related::add);
    for (PlannedTask t : related) {
      if (canExportRegistry(engine)) {
        for (PlannedTarget target : TargetSolver.solvedTargets(t)) {
          out.add(RemoteCaches.share(cache.get(), TargetSolver.solveName(t, target)));
        }
      }
      boolean elsewhere = t == task ? failedOver : !engineName.equals(ranOn.get(t.name()));
      if (run(t).isPresent() && elsewhere) {
        out.add(result(t));
      }
    }
    return List.copyOf(out);
  }

  /** What a solve on {@code engine} exports to the fleet's registry: {@code mode=max} shares where it can. */
  List<RemoteCache> exports(EngineInfo engine) {
    return cache.isPresent() && canExportRegistry(engine) ? List.of(cache.get()) : List.of();
  }

  /**
   * Whether {@code task}'s result is pushed as an image, with inline cache, from {@code engine}: the
   * fleet's shared cache where the engine cannot export its steps as a registry cache (its
   * dependents, and the task itself on another engine after a failover, start from it).
   */
  boolean pushesResult(PlannedTask task, EngineInfo engine) {
    return cache.isPresent() && !canExportRegistry(engine) && run(task).isPresent();
  }

  /** {@code task}'s run, as a target that pushes its result to the fleet's registry. */
  Optional<PlannedTarget> run(PlannedTask task) {
    return task.targets().stream().filter(t -> t.kind() == PlannedTarget.Kind.RUN).findFirst();
  }

  /** Where {@code task}'s result image is pushed. */
  RemoteCache.Registry result(PlannedTask task) {
    return (RemoteCache.Registry) RemoteCaches.share(cache.orElseThrow(), task.name() + "-result");
  }

  private static boolean canExportRegistry(EngineInfo engine) {
    return engine.cacheExports().contains("registry");
  }

  private static String strip(String registry) {
    return registry.endsWith("/") ? registry.substring(0, registry.length() - 1) : registry;
  }

  private static String hash(String key) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return "p" + HexFormat.of().formatHex(h, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
