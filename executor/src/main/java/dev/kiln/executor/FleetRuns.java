package dev.kiln.executor;

import dev.kiln.executor.engine.BuildkitConnection;
import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.executor.services.RunServices;
import dev.kiln.model.EngineFleet;
import dev.kiln.model.ProjectRoot;
import dev.kiln.model.RemoteCache;
import dev.kiln.planner.ImageConfig;
import dev.kiln.planner.Plan;
import dev.kiln.planner.PlannedTarget;
import dev.kiln.planner.PlannedTask;
import dev.kiln.planner.llb.Definition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * A task's run on one engine of the fleet: on that engine's connection, with the fleet's registry
 * among its caches ({@link FleetCaches}), then, from an engine that cannot export a registry cache,
 * its result pushed to the fleet's registry for the tasks that depend on it.
 */
final class FleetRuns implements FleetTaskExecution.Engines {
  /** Makes a solver for one engine, with the caches of one task there. */
  @FunctionalInterface
  interface Solvers {
    TargetSolver solver(BuildkitConnection connection, SolveCaches caches, PlanRunner.Listener listener);
  }

  /**
   * What every task's run shares.
   *
   * @param cacheFrom the user's remote caches to import
   * @param cacheTo the user's remote caches to export
   * @param calls what tasks that call functions need; null when the plan has none
   * @param runCancelled whether the whole run was cancelled
   */
  record Context(Plan plan, List<RemoteCache> cacheFrom, List<RemoteCache> cacheTo, Solvers solvers,
      ResultStore store, CallSettings calls, ProjectRoot root, SecretMasker masker, PlanRunner.Listener listener,
      BooleanSupplier runCancelled, RunServices services) {
    Context {
      cacheFrom = List.copyOf(cacheFrom);
      cacheTo = List.copyOf(cacheTo);
    }
  }

  private final FleetEngines engines;
  private final FleetCaches fleetCaches;
  private final Context context;
  /** The engine each task that succeeded ran on; the tasks that failed over. */
  private final Map<String, String> ranOn = new ConcurrentHashMap<>();
  private final Set<String> failedOver = ConcurrentHashMap.newKeySet();

  FleetRuns(FleetEngines engines, FleetCaches fleetCaches, Context context) {
    this.engines = engines;
    this.fleetCaches = fleetCaches;
    this.context = context;
  }

  @Override
  public TaskOutcome run(EngineFleet.Engine engine, PlannedTask task) {
    FleetEngines.Member m = engines.member(engine).orElseThrow(() -> new EngineUnavailableException(
        "engine " + engine.name() + " is unreachable", List.of(engine.address() + ": " + engines.why(engine)),
        "start it, or take it out of the fleet", null));
    boolean shares = m.info().cacheExports().contains("registry");
    List<RemoteCache> to = new ArrayList<>(context.cacheTo());
    to.addAll(fleetCaches.exports(m.info()));
    List<RemoteCache> fleetImports = fleetCaches.imports(task, engine.name(), m.info(), ranOn,
        failedOver.contains(task.name()));
    SolveCaches caches = new SolveCaches(context.cacheFrom(), to, shares, context.plan(), fleetImports);
    TaskOutcome outcome;
    try (TargetSolver solver = context.solvers().solver(m.connection(), caches, context.listener())) {
      outcome = new EngineTaskExecution(solver, context.store(), context.calls(), context.root(),
          context.masker(), context.listener(), context.runCancelled(), context.services()).execute(task);
    }
    if (outcome.status() == TaskOutcome.Status.SUCCEEDED && fleetCaches.pushesResult(task, m.info())) {
      pushResult(m, task, new SolveCaches(context.cacheFrom(), List.of(new RemoteCache.Inline(null)), shares,
          context.plan(), fleetImports));
    }
    if (outcome.status() == TaskOutcome.Status.SUCCEEDED) {
      ranOn.put(task.name(), engine.name());
    }
    return outcome;
  }

  /**
   * Pushes {@code task}'s result, with inline cache, to the fleet's registry, where the engines of
   * its dependents find its steps. A push that fails only warns: those engines then run the steps.
   */
  private void pushResult(FleetEngines.Member m, PlannedTask task, SolveCaches inline) {
    PlannedTarget run = fleetCaches.run(task).orElseThrow();
    String ref = fleetCaches.result(task).ref();
    PlannedTarget publish = new PlannedTarget(PlannedTarget.Kind.PUBLISH, "", ref, run.definition(), ImageConfig.EMPTY);
    try (TargetSolver pusher = context.solvers().solver(m.connection(), inline, new StatusOnly(context.listener()))) {
      pusher.solve(task, publish, new CacheWatch(), null, Map.of()); // a fleet run binds no service
    } catch (SolveException | IOException e) {
      context.listener().warning(task.name(), "its result could not be pushed to the fleet's registry (" + ref
          + "): " + e.getMessage() + "; tasks on other engines that need it run its steps again");
    }
  }

  @Override
  public boolean isDown(EngineFleet.Engine engine) {
    return engines.isDown(engine);
  }

  @Override
  public void markDown(EngineFleet.Engine engine, String why) {
    engines.markDown(engine, why);
  }

  @Override
  public void failedOver(PlannedTask task) {
    failedOver.add(task.name());
  }

  @Override
  public EngineUnavailableException unavailable(String message) {
    return engines.unavailable(message);
  }

  @Override
  public void finished(TaskOutcome outcome) {
    context.store().record(outcome);
    context.listener().taskFinished(outcome);
  }

  /** Passes on only a solve's progress: a hand-off push is not one of the task's published images. */
  private record StatusOnly(PlanRunner.Listener delegate) implements PlanRunner.Listener {
    @Override
    public void status(String task, Definition definition, StatusResponse update) {
      delegate.status(task, definition, update);
    }
  }
}
