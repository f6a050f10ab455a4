package dev.kiln.executor;

import dev.kiln.executor.fleet.Rendezvous;
import dev.kiln.model.EngineFleet;
import dev.kiln.planner.PlannedTask;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs each task on one engine of a fleet, for the {@link TaskScheduler}: the engine the task's key
 * (project and task) ranks first by {@link Rendezvous} hashing, or, when that one is at its limit of
 * concurrent solves, the next-ranked one with a free slot (the task waits only when every engine
 * that is up is full). When an engine cannot be reached or is lost during the task, it is down for
 * the rest of the run and the task runs again, from its start, on the next-ranked engine; its
 * exports are staged and put in place only when the task succeeds (see {@code exports.ExportSet}),
 * so the lost attempt leaves nothing half-written. Output says which engine ran which task and
 * every failover.
 */
final class FleetTaskExecution implements TaskScheduler.TaskExecution {
  /** How a task runs on one engine of the fleet. */
  interface Engines {
    /**
     * Runs {@code task} on {@code engine}, as {@link TaskScheduler.TaskExecution#execute} does.
     *
     * @throws EngineUnavailableException when the engine cannot be reached or is lost
     */
    TaskOutcome run(EngineFleet.Engine engine, PlannedTask task);

    /** Whether {@code engine} was found down earlier in this run. */
    boolean isDown(EngineFleet.Engine engine);

    /** Takes {@code engine} out of the run. */
    void markDown(EngineFleet.Engine engine, String why);

    /** Hears that {@code task} runs again, on another engine, after its engine failed under it. */
    void failedOver(PlannedTask task);

    /** That no engine is left. */
    EngineUnavailableException unavailable(String message);

    /** Hears how a task ended (records its results for later tasks). */
    void finished(TaskOutcome outcome);
  }

  private final List<EngineFleet.Engine> fleet;
  private final Engines engines;
  private final String projectKey;
  private final PlanRunner.Listener listener;
  /** Running solves per engine name; guarded by this. */
  private final Map<String, Integer> busy = new HashMap<>();

  /**
   * @param projectKey the project's part of every task's routing key
   * @param listener hears which engine runs each task, and each failover (as a warning)
   */
  FleetTaskExecution(List<EngineFleet.Engine> fleet, Engines engines, String projectKey,
      PlanRunner.Listener listener) {
    this.fleet = List.copyOf(fleet);
    this.engines = engines;
    this.projectKey = projectKey;
    this.listener = listener;
  }

  @Override
  public TaskOutcome execute(PlannedTask task) {
    List<EngineFleet.Engine> ranked = Rendezvous.rank(Rendezvous.key(projectKey, task.name()), fleet);
    long start = System.nanoTime();
    while (true) {
      EngineFleet.Engine engine;
      try {
        engine = acquire(ranked);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new TaskOutcome(task.name(), TaskOutcome.Status.CANCELLED, Duration.ofNanos(System.nanoTime() - start),
            false, null);
      }
      if (engine == null) {
        throw engines.unavailable("no engine of the fleet is left to run task " + task.name());
      }
      EngineFleet.Engine preferred = ranked.stream().filter(e -> !engines.isDown(e)).findFirst().orElse(engine);
      listener.engine(task.name(), engine.name() + (preferred.equals(engine) ? ""
          : " (" + preferred.name() + ", which it prefers, is at its limit of " + preferred.maxSolves() + ")"));
      try {
        return engines.run(engine, task);
      } catch (EngineUnavailableException e) {
        String why = FleetEngines.oneLine(e.getMessage());
        engines.markDown(engine, why);
        engines.failedOver(task);
        EngineFleet.Engine next = ranked.stream().filter(x -> !engines.isDown(x)).findFirst().orElse(null);
        listener.warning(task.name(), "engine " + engine.name() + " (" + engine.address() + ") failed: " + why
            + (next == null ? "; no engine is left" : "; the task runs again on another engine"));
      } finally {
        release(engine);
      }
    }
  }

  @Override
  public void finished(TaskOutcome outcome) {
    engines.finished(outcome);
  }

  /**
   * The first engine of {@code ranked} that is up and has a free slot, its slot taken; waits while
   * every engine that is up is full; null when none is up.
   */
  private synchronized EngineFleet.Engine acquire(List<EngineFleet.Engine> ranked) throws InterruptedException {
    while (true) {
      boolean anyUp = false;
      for (EngineFleet.Engine e : ranked) {
        if (engines.isDown(e)) {
          continue;
        }
        anyUp = true;
        int n = busy.getOrDefault(e.name(), 0);
        if (n < e.maxSolves()) {
          busy.put(e.name(), n + 1);
          return e;
        }
      }
      if (!anyUp) {
        return null;
      }
      wait();
    }
  }

  private synchronized void release(EngineFleet.Engine engine) {
    busy.merge(engine.name(), -1, Integer::sum);
    notifyAll();
  }
}
