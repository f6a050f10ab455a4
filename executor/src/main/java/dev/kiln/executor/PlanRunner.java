package dev.kiln.executor;

import dev.kiln.executor.auth.DockerCredentials;
import dev.kiln.executor.cache.RemoteCaches;
import dev.kiln.executor.engine.BuildkitConnection;
import dev.kiln.executor.exports.StaleStaging;
import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.executor.services.RunServices;
import dev.kiln.model.ProjectRoot;
import dev.kiln.model.RemoteCache;
import dev.kiln.planner.Plan;
import dev.kiln.planner.PlanException;
import dev.kiln.planner.llb.Definition;
import io.grpc.ServerServiceDefinition;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a plan's tasks on an engine: each task after the tasks it depends on, independent tasks in
 * parallel up to a limit. A failure cancels the other running tasks unless {@code keepGoing}; then
 * only the tasks that depend on a failed one are skipped. A runner runs one plan: make one per run.
 */
public final class PlanRunner {
  /**
   * What the daemon may call back during a solve besides receiving an export (which the runner
   * serves itself): local directories to send, secrets, registry credentials.
   */
  @FunctionalInterface
  public interface SessionServices {
    /**
     * The services for one solve.
     *
     * @param localDirs local source name -> host directory (its real path, inside the project)
     */
    List<ServerServiceDefinition> create(Map<String, Path> localDirs);
  }

  /** Hears about a run as it happens; called from several threads. */
  public interface Listener {
    /** The run starts: {@code plan}'s tasks will be reported, each once it ends. */
    default void runStarted(Plan plan) {}

    default void taskStarted(String task) {}

    /** {@code task} runs on the fleet's engine {@code engine} (its name, and why when not the one it prefers). */
    default void engine(String task, String engine) {}

    default void status(String task, Definition definition, StatusResponse update) {}

    default void taskFinished(TaskOutcome outcome) {}

    /** A line a task's run-time function logged (not yet masked: listeners mask what they print). */
    default void functionLog(String task, String line) {}

    /** One of {@code task}'s exports is in place at {@code destination} (relative to the project). */
    default void exported(String task, String destination) {}

    /** Something the user should know about a task that does not fail it. */
    default void warning(String task, String message) {}

    /** A task pushed an image (reported as soon as the registry has it, before the task ends). */
    default void published(String task, PublishedImage image) {}

    /** A service {@code task} binds is healthy at {@code address}, {@code took} after its process started. */
    default void serviceReady(String task, String service, String address, Duration took) {}

    /** The run is over; nothing more will be reported. */
    default void runFinished(RunReport report) {}

    /** A listener that tells this one, then {@code next}, everything. */
    /**
     * The W3C trace context ({@code traceparent}) the engine's work for {@code task} continues,
     * when this listener traces the run.
     */
    default Optional<String> traceParent(String task) {
      return Optional.empty();
    }

    default Listener andThen(Listener next) {
      return new ListenerPair(this, next);
    }
  }

  /**
   * How to run.
   *
   * @param parallel how many tasks may run at once (at least 1)
   * @param keepGoing whether tasks unrelated to a failure go on
   * @param projectRoot host paths (local sources, export destinations) are relative to it
   * @param sharedKey the session key that lets the engine reuse files sent by earlier runs
   * @param cacheFrom remote caches to import (local ones with their manifest digests resolved)
   * @param cacheTo remote caches to export
   * @param registryShares whether the engine can export registry caches, so that each solve's share
   *     of a registry cache may exist and is imported too (see {@link RemoteCaches#share})
   * @param masker the run's secrets, masked in results before they are kept or shown
   * @param credentials the registry credentials pushes use (and failures are explained with)
   */
  public record Options(int parallel, boolean keepGoing, Path projectRoot, String sharedKey,
      List<RemoteCache> cacheFrom, List<RemoteCache> cacheTo, boolean registryShares, SecretMasker masker,
      DockerCredentials credentials) {

    /** Options without remote cache or secrets. */
    public Options(int parallel, boolean keepGoing, Path projectRoot, String sharedKey) {
      this(parallel, keepGoing, projectRoot, sharedKey, List.of(), List.of(), false, SecretMasker.none());
    }

    /** Options without registry credentials. */
    public Options(int parallel, boolean keepGoing, Path projectRoot, String sharedKey,
        List<RemoteCache> cacheFrom, List<RemoteCache> cacheTo, boolean registryShares, SecretMasker masker) {
      this(parallel, keepGoing, projectRoot, sharedKey, cacheFrom, cacheTo, registryShares, masker,
          DockerCredentials.none());
    }

    public Options {
      cacheFrom = List.copyOf(cacheFrom);
      cacheTo = List.copyOf(cacheTo);
      if (parallel < 1) {
        throw new IllegalArgumentException("parallel must be at least 1: " + parallel);
      }
      Objects.requireNonNull(projectRoot, "projectRoot");
      Objects.requireNonNull(sharedKey, "sharedKey");
      Objects.requireNonNull(masker, "masker");
      Objects.requireNonNull(credentials, "credentials");
    }
  }

  private final BuildkitConnection connection;
  /** The fleet the tasks are spread over, or null: every task runs on {@link #connection}. */
  private final FleetEngines fleet;
  private final SessionServices services;
  private final Options options;
  private final Listener listener;
  private final CallSettings calls;
  private final Terminal terminal;
  private final TaskScheduler scheduler;
  private final AtomicBoolean used = new AtomicBoolean();
  private final CountDownLatch finished = new CountDownLatch(1);

  /** A runner for plans without function calls. */
  public PlanRunner(BuildkitConnection connection, SessionServices services, Options options, Listener listener) {
    this(connection, services, options, listener, null);
  }

  /** @param calls what tasks that call functions need; null when the plans have none */
  public PlanRunner(BuildkitConnection connection, SessionServices services, Options options, Listener listener,
      CallSettings calls) {
    this(connection, null, services, options, listener, calls, null);
  }

  /**
   * A runner that spreads the tasks over {@code fleet}, when there is one (each engine's limit
   * bounds it, not {@code parallel}).
   *
   * @param calls what tasks that call functions need; null when the plans have none
   * @param terminal where a shell opens when a step fails ({@code kiln run -i}); null for none
   */
  PlanRunner(BuildkitConnection connection, FleetEngines fleet, SessionServices services, Options options,
      Listener listener, CallSettings calls, Terminal terminal) {
    this.connection = connection;
    this.fleet = fleet;
    this.terminal = terminal;
    this.services = services;
    this.options = options;
    this.listener = listener;
    this.calls = calls;
    this.scheduler = new TaskScheduler(fleet == null ? options.parallel()
        : fleet.fleet().engines().stream().mapToInt(e -> e.maxSolves()).sum(), options.keepGoing());
  }

  /** Stops the run: running solves are cancelled on the engine, nothing new starts (Ctrl-C). */
  public void interrupt() {
    scheduler.cancel();
  }

  /**
   * Waits up to {@code timeout} for {@link #run} to return, so that an interrupted run has told the
   * engine to cancel its solves before the process exits.
   */
  public boolean awaitFinished(Duration timeout) {
    try {
      return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Runs every task of {@code plan}.
   *
   * @throws IllegalStateException when this runner has run a plan already
   */
  public RunReport run(Plan plan) {
    if (!used.compareAndSet(false, true)) {
      throw new IllegalStateException("a PlanRunner runs one plan; make a new one for another run");
    }
    try {
      ProjectRoot root = projectRoot(options.projectRoot());
      StaleStaging.clean(root, plan); // what killed runs left beside this plan's destinations
      RunningSteps steps = new RunningSteps();
      TaskAttempts attempts = new TaskAttempts();
      // Each solver serves its solves from one session (RunSession): the run's, or in a fleet a task's on its engine.
      FleetRuns.Solvers solvers = (c, caches, l) -> new TargetSolver(c, new RunSession(c, services,
          LocalDirs.of(plan, root), options.sharedKey(), caches.contentStore()), caches, root, options.credentials(),
          l.andThen(steps), plan::stepLocation, terminal == null ? null
          : new FailedStepShell(c, options.credentials(), terminal, OutputText.of(options.masker()), attempts));
      TaskScheduler.TaskExecution engine;
      RunServices runServices;
      TargetSolver runSolver = null;
      if (fleet == null) {
        SolveCaches caches = new SolveCaches(options.cacheFrom(), options.cacheTo(), options.registryShares(), plan);
        runSolver = solvers.solver(connection, caches, listener);
        runServices = new RunServices(plan.tasks(), runSolver::openService, listener);
        engine = new EngineTaskExecution(runSolver, new ResultStore(), calls, root, options.masker(), listener,
            scheduler::cancelled, runServices);
      } else {
        if (plan.tasks().stream().anyMatch(t -> !t.services().isEmpty())) {
          // A service's address is on its engine's own network: a task on another engine cannot reach it.
          throw new PlanException("the pipeline binds services, and this run has a fleet of "
              + fleet.fleet().engines().size() + " engines", "run it on one engine: give a single --engine");
        }
        runServices = new RunServices(List.of(), (task, service) -> {
          throw new IllegalStateException("a fleet run starts no service");
        }, listener);
        FleetRuns.Context context = new FleetRuns.Context(plan, options.cacheFrom(), options.cacheTo(), solvers,
            new ResultStore(), calls, root, options.masker(), listener, scheduler::cancelled, runServices);
        engine = new FleetTaskExecution(fleet.fleet().engines(), new FleetRuns(fleet,
            new FleetCaches(fleet.fleet().registry(), options.sharedKey(), plan), context), options.sharedKey(), listener);
      }
      // every service is stopped before the run is over (Ctrl-C waits for this in awaitFinished),
      // then the run's session is closed
      try (TargetSolver closing = runSolver;
          RunServices stopping = runServices;
          LimitedTaskExecution tasks = new LimitedTaskExecution(engine, steps, attempts, listener,
              scheduler::cancelled)) {
        listener.runStarted(plan);
        RunReport report = scheduler.run(plan.tasks(), tasks);
        listener.runFinished(report);
        return report;
      }
    } finally {
      finished.countDown();
    }
  }

  /** The project at {@code path}, whose paths sources and exports are resolved in. */
  static ProjectRoot projectRoot(Path path) {
    try {
      return ProjectRoot.of(path);
    } catch (IOException e) {
      throw new IllegalArgumentException("project root " + path + ": " + e.getMessage(), e);
    }
  }
}
