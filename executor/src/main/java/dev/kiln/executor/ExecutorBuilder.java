package dev.kiln.executor;

import dev.kiln.executor.engine.CallPolicy;
import dev.kiln.executor.engine.CapsCache;
import dev.kiln.executor.engine.EngineTls;
import dev.kiln.model.EngineFleet;
import dev.kiln.model.FunctionRegistry;
import dev.kiln.model.RemoteCache;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Configures an {@link Executor}. {@link #preconfigured()} is what {@code kiln} uses: the engine
 * found from the process's environment, engine capabilities kept a day per user, Ctrl-C cancels a
 * run; {@link #unconfigured()} has none of those. Both run up to 4 tasks at once, stop at the first
 * failure, use the current directory as the project, Kiln's built-in functions and {@link
 * CallPolicy#DEFAULT}. {@code set*} replaces a setting, {@code add*} adds to one; a builder may
 * build several executors.
 */
public final class ExecutorBuilder {
  private String engine;
  private Map<String, String> environment = Map.of();
  private CapsCache capsCache = CapsCache.none();
  private CallPolicy calls = CallPolicy.DEFAULT;
  private Path projectRoot = Path.of("").toAbsolutePath();
  private int parallel = 4;
  private boolean keepGoing;
  private final List<RemoteCache> cacheImports = new ArrayList<>();
  private final List<RemoteCache> cacheExports = new ArrayList<>();
  private Supplier<FunctionRegistry> functions = FunctionRegistry::builtIn;
  private Duration callTimeout = CallSettings.DEFAULT_TIMEOUT;
  private Consumer<String> warnings = w -> { };
  private Consumer<String> phases = p -> { };
  private boolean cancelOnShutdown;
  private List<Path> kilnFiles = List.of();
  private EngineTls engineTls;
  private EngineFleet fleet;
  private EngineAhead ahead;

  private ExecutorBuilder() {}

  /** A builder for {@code kiln}: the process's environment, a capabilities cache, Ctrl-C handling. */
  public static ExecutorBuilder preconfigured() {
    Map<String, String> env = System.getenv();
    return new ExecutorBuilder().setEnvironment(env).setCapsCache(CapsCache.forUser(env)).setCancelOnShutdown(true);
  }

  /** A builder with no environment, no capabilities cache and no Ctrl-C handling. */
  public static ExecutorBuilder unconfigured() {
    return new ExecutorBuilder();
  }

  /**
   * Replaces the engine's address ({@code docker://}, {@code unix://...}, {@code tcp://...}); null
   * finds one as {@link dev.kiln.executor.engine.EngineAddress#discover} says.
   */
  public ExecutorBuilder setEngine(String address) {
    this.engine = address;
    return this;
  }

  /**
   * Replaces the TLS settings of the {@code --tls*} flags for a TCP engine (null: none given; the
   * address's own and the environment's then apply, as {@link
   * dev.kiln.executor.engine.EngineAddress#discover(String, EngineTls, Map, java.util.function.Predicate)} says).
   */
  public ExecutorBuilder setEngineTls(EngineTls tls) {
    this.engineTls = tls;
    return this;
  }

  /**
   * Replaces the engines: with more than one, each task runs on one of them (see {@link
   * dev.kiln.executor.fleet.Rendezvous}), each engine running at most its {@code maxSolves} at once,
   * and plans are made for the first that answers; with one, it is as {@link #setEngine}. Null (the
   * default) uses {@link #setEngine}'s engine.
   */
  public ExecutorBuilder setFleet(EngineFleet fleet) {
    this.fleet = fleet;
    if (fleet != null && !fleet.isFleet() && !fleet.engines().isEmpty()) {
      this.engine = fleet.engines().get(0).address();
    }
    return this;
  }

  /** Replaces the environment ({@code BUILDKIT_HOST}, {@code DOCKER_HOST}, {@code DOCKER_CONFIG}, ...). */
  public ExecutorBuilder setEnvironment(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
    return this;
  }

  /** Replaces where the engine's capabilities are kept between runs. */
  public ExecutorBuilder setCapsCache(CapsCache capsCache) {
    this.capsCache = Objects.requireNonNull(capsCache, "capsCache");
    return this;
  }

  /** Replaces the deadlines of the engine's calls (a solve's among them: {@link CallPolicy#withSolve}). */
  public ExecutorBuilder setCallPolicy(CallPolicy calls) {
    this.calls = Objects.requireNonNull(calls, "calls");
    return this;
  }

  /** Replaces the project: local sources, exports and results are relative to it. */
  public ExecutorBuilder setProjectRoot(Path projectRoot) {
    this.projectRoot = projectRoot.toAbsolutePath();
    return this;
  }

  /** Replaces how many tasks may run at once (at least 1). */
  public ExecutorBuilder setParallel(int parallel) {
    if (parallel < 1) {
      throw new IllegalArgumentException("parallel must be at least 1: " + parallel);
    }
    this.parallel = parallel;
    return this;
  }

  /** Replaces whether tasks unrelated to a failure go on. */
  public ExecutorBuilder setKeepGoing(boolean keepGoing) {
    this.keepGoing = keepGoing;
    return this;
  }

  /** Adds a remote cache to import (a local one's directory absolute). */
  public ExecutorBuilder addCacheImport(RemoteCache cache) {
    cacheImports.add(Objects.requireNonNull(cache, "cache"));
    return this;
  }

  /** Adds a remote cache to export (a local one's directory absolute). */
  public ExecutorBuilder addCacheExport(RemoteCache cache) {
    cacheExports.add(Objects.requireNonNull(cache, "cache"));
    return this;
  }

  /** Replaces where called functions are found; asked only when a plan calls one. */
  public ExecutorBuilder setFunctions(Supplier<FunctionRegistry> functions) {
    this.functions = Objects.requireNonNull(functions, "functions");
    return this;
  }

  /** Replaces how long one function call may take. */
  public ExecutorBuilder setCallTimeout(Duration callTimeout) {
    this.callTimeout = Objects.requireNonNull(callTimeout, "callTimeout");
    return this;
  }

  /** Replaces what hears warnings (a local cache with nothing to import yet). */
  public ExecutorBuilder setWarningListener(Consumer<String> warnings) {
    this.warnings = Objects.requireNonNull(warnings, "warnings");
    return this;
  }

  /** Replaces what hears each phase end: {@code connect}, {@code probe}, {@code plan}, {@code run}. */
  public ExecutorBuilder setPhaseListener(Consumer<String> phases) {
    this.phases = Objects.requireNonNull(phases, "phases");
    return this;
  }

  /**
   * Replaces Kiln's own files of the project, never sent to the engine in a host directory: the
   * pipeline file and the modules it imports (see {@link IgnoreFiles}).
   */
  public ExecutorBuilder setKilnFiles(Collection<Path> kilnFiles) {
    this.kilnFiles = List.copyOf(kilnFiles);
    return this;
  }

  /** Replaces whether the JVM's shutdown (Ctrl-C) cancels a run and waits briefly for the engine to stop it. */
  public ExecutorBuilder setCancelOnShutdown(boolean cancelOnShutdown) {
    this.cancelOnShutdown = cancelOnShutdown;
    return this;
  }

  /**
   * Starts connecting to the engine and probing it now, on a background thread, for the next
   * executor built with the same engine settings: it overlaps what the caller does meanwhile (the
   * pipeline's evaluation). A failure is thrown where the executor first needs the engine, as
   * without this. Nothing for a fleet, whose engines are reached per task.
   */
  public ExecutorBuilder connectAhead() {
    if (ahead == null && (fleet == null || !fleet.isFleet())) {
      ahead = EngineAhead.start(engineTarget());
    }
    return this;
  }

  /** Closes the connection {@link #connectAhead} opened when no executor took it (the run ended before). */
  public void discardAhead() {
    if (ahead != null) {
      ahead.close();
      ahead = null;
    }
  }

  private EngineAhead.Target engineTarget() {
    return new EngineAhead.Target(engine, engineTls, environment, calls, capsCache);
  }

  /** An executor with the current settings; later changes to this builder do not affect it. */
  public Executor build() {
    boolean single = fleet == null || !fleet.isFleet();
    // The connection made ahead goes to one executor only, and only for the engine it was made for.
    EngineAhead taken = ahead != null && single && ahead.isFor(engineTarget()) ? ahead : null;
    if (taken == null) {
      discardAhead();
    }
    ahead = null;
    // the settings copy every collection, shielding the executor from later changes here
    return new ExecutorImpl(new ExecutorSettings(engine, environment, capsCache, calls, projectRoot, parallel,
        keepGoing, cacheImports, cacheExports, functions, callTimeout, warnings, phases, cancelOnShutdown, kilnFiles,
        engineTls, single ? null : fleet), taken);
  }
}
