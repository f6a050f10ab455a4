package dev.kiln.executor;

import dev.kiln.executor.auth.DockerCredentials;
import dev.kiln.executor.auth.RegistryHosts;
import dev.kiln.executor.cache.LocalCaches;
import dev.kiln.executor.cache.RemoteCaches;
import dev.kiln.executor.engine.BuildkitConnection;
import dev.kiln.executor.engine.EngineConnector;
import dev.kiln.executor.engine.EngineImageConfigs;
import dev.kiln.executor.engine.EnginePlatforms;
import dev.kiln.executor.engine.EngineInfo;
import dev.kiln.executor.engine.EngineProbe;
import dev.kiln.executor.engine.EngineStorage;
import dev.kiln.executor.secrets.SecretStore;
import dev.kiln.model.EngineFleet;
import dev.kiln.model.Pipeline;
import dev.kiln.model.RemoteCache;
import dev.kiln.planner.Plan;
import dev.kiln.planner.PlannedTask;
import dev.kiln.planner.PlannerBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The {@link Executor}: one connection, opened on first use, and the runs going on over it. */
final class ExecutorImpl implements Executor {
  /** How long Ctrl-C waits for a run to tell the engine to cancel its solves. */
  private static final Duration CANCEL_WAIT = Duration.ofSeconds(10);

  private final ExecutorSettings settings;
  private final Set<PlanRunner> runs = ConcurrentHashMap.newKeySet();
  /** Docker's registry credentials, read once: planning, the up-front check and runs use the same. */
  private final DockerCredentials credentials;
  /** The fleet's engines, when the settings name several; else null. */
  private final FleetEngines fleet;
  /** The connection and probe started before the executor was built, or null; taken on first use. */
  private final EngineAhead ahead;
  // guarded by this
  private BuildkitConnection connection;
  private EngineInfo info;
  private List<RemoteCache> imports;
  private boolean closed;

  ExecutorImpl(ExecutorSettings settings) {
    this(settings, null);
  }

  /** @param ahead the engine's connection and probe, started before, or null to connect on first use */
  ExecutorImpl(ExecutorSettings settings, EngineAhead ahead) {
    this.settings = settings;
    this.ahead = ahead;
    this.credentials = DockerCredentials.load(settings.environment());
    this.fleet = settings.fleet() == null ? null
        : new FleetEngines(settings.fleet(), settings.environment(), settings.calls(), settings.capsCache());
  }

  ExecutorSettings settings() {
    return settings;
  }

  private synchronized BuildkitConnection connection() {
    if (closed) {
      throw new IllegalStateException("this executor is closed");
    }
    if (connection == null) {
      // A fleet plans for its first engine that answers; the fleet owns that connection.
      connection = fleet != null ? fleet.first().connection()
          : ahead != null ? ahead.connection()
          : EngineConnector.connect(settings.engine(), settings.engineTls(), settings.environment(), settings.calls());
      settings.phases().accept("connect");
    }
    return connection;
  }

  @Override
  public synchronized EngineInfo engine() {
    if (info == null) {
      BuildkitConnection engineConnection = connection();
      EngineInfo probed = ahead != null ? ahead.info() : EngineProbe.probe(engineConnection, settings.capsCache());
      settings.phases().accept("probe");
      settings.cacheImports().forEach(c -> RemoteCaches.checkSupported(c, probed, false));
      settings.cacheExports().forEach(c -> RemoteCaches.checkSupported(c, probed, true));
      imports = LocalCaches.resolveImports(settings.cacheImports(), settings.warnings());
      info = probed;
    }
    return info;
  }

  @Override
  public Plan plan(Pipeline pipeline, Collection<String> tasks) {
    EngineInfo engine = engine();
    try (EngineImageConfigs images = new EngineImageConfigs(connection(), credentials)) {
      PlannerBuilder builder = PlannerBuilder.preconfigured().setEngineCapabilities(engine.capabilities())
          .setImageConfigs(images).setDockerfileFrontend(dockerfiles());
      IgnoreFiles.of(pipeline, settings.projectRoot(), settings.kilnFiles()).forEach(builder::addIgnoreFile);
      IgnoreFiles.ofDockerfiles(pipeline, settings.projectRoot()).forEach(builder::addDockerfileIgnoreFile);
      EnginePlatforms.check(pipeline, tasks, engine);
      Plan plan = builder.build().plan(pipeline, tasks);
      settings.phases().accept("plan");
      return plan;
    }
  }

  /** The engine's Dockerfile frontend, serving the project's directories. */
  private EngineDockerfiles dockerfiles() {
    return new EngineDockerfiles(connection(), PlanRunner.projectRoot(settings.projectRoot()),
        DockerCredentials.load(settings.environment()),
        sharedKey(settings.projectRoot()), settings.warnings());
  }

  @Override
  public List<byte[]> registrySecrets(Plan plan) {
    List<RemoteCache> caches = new ArrayList<>(settings.cacheImports());
    caches.addAll(settings.cacheExports());
    return credentials.lookupAll(RegistryHosts.of(plan, caches));
  }

  @Override
  public RunReport run(Plan plan, SecretStore secrets, SecretMasker masker, PlanRunner.Listener listener) {
    return run(plan, secrets, masker, listener, null);
  }

  @Override
  public RunReport run(Plan plan, SecretStore secrets, SecretMasker masker, PlanRunner.Listener listener,
      Terminal terminal) {
    EngineInfo engine = engine();
    List<RemoteCache> resolvedImports;
    synchronized (this) {
      resolvedImports = imports;
    }
    PlanRunner.Options options = new PlanRunner.Options(settings.parallel(), settings.keepGoing(),
        settings.projectRoot(), sharedKey(settings.projectRoot()), resolvedImports, settings.cacheExports(),
        engine.cacheExports().contains("registry"), masker, credentials);
    PlanRunner runner = new PlanRunner(connection(), fleet, new ProjectSessionServices(credentials, secrets), options,
        new MaskingListener(masker, listener), callSettings(plan, secrets), terminal);
    runs.add(runner);
    Thread hook = settings.cancelOnShutdown() ? cancelOnShutdown(runner) : null;
    try {
      RunReport report = runner.run(plan).masked(OutputText.of(masker));
      settings.phases().accept("run");
      return report;
    } finally {
      runs.remove(runner);
      if (hook != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // already shutting down (Ctrl-C): the hook is running
        }
      }
    }
  }

  /** Ctrl-C: cancel the solves on the engine before the JVM exits (with 130, SIGINT's code). */
  private static Thread cancelOnShutdown(PlanRunner runner) {
    Thread hook = new Thread(() -> {
      runner.interrupt();
      runner.awaitFinished(CANCEL_WAIT);
    }, "kiln-interrupt");
    Runtime.getRuntime().addShutdownHook(hook);
    return hook;
  }

  /** What call tasks need, when the plan has any (the function registry is loaded only then). */
  private CallSettings callSettings(Plan plan, SecretStore secrets) {
    if (plan.tasks().stream().noneMatch(t -> t.call() != null)) {
      return null;
    }
    return new CallSettings(settings.functions().get(), secrets, settings.callTimeout());
  }

  /** Stable per project, so the engine keeps sent files between runs and syncs only changes. */
  static String sharedKey(Path project) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(project.toString().getBytes(StandardCharsets.UTF_8));
      return project.getFileName() + ":" + HexFormat.of().formatHex(h, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public int shell(Plan plan, String task, SecretStore secrets, SecretMasker masker, PlanRunner.Listener listener,
      Terminal terminal) {
    PlannedTask planned = plan.tasks().stream().filter(t -> t.name().equals(task)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("task " + task + " is not in the plan"));
    try {
      return TaskShell.open(connection(), new ProjectSessionServices(credentials, secrets), credentials,
          PlanRunner.projectRoot(settings.projectRoot()), sharedKey(settings.projectRoot()), planned,
          new MaskingListener(masker, listener), terminal);
    } catch (IOException e) {
      throw SolveException.failed("task " + task + ": " + e.getMessage(), null, e);
    }
  }

  @Override
  public void cancel() {
    runs.forEach(PlanRunner::interrupt);
  }

  @Override
  public List<EngineStorage.Usage> diskUsage() {
    return new EngineStorage(connection()).usage();
  }

  @Override
  public List<EngineStorage.Usage> prune(boolean all, Duration keepDuration) {
    return new EngineStorage(connection()).prune(all, keepDuration);
  }

  @Override
  public List<EngineStatus> engines() {
    if (fleet == null) {
      return List.of(EngineStatus.of("default", settings.engine() == null ? "(found)" : settings.engine(),
          () -> new EngineStatus.Reached(engine(), diskUsage())));
    }
    List<EngineStatus> out = new ArrayList<>();
    for (EngineFleet.Engine e : settings.fleet().engines()) {
      out.add(EngineStatus.of(e.name(), e.address(), () -> fleet.member(e)
          .map(m -> new EngineStatus.Reached(m.info(), new EngineStorage(m.connection()).usage()))
          .orElseThrow(() -> new EngineUnavailableException(fleet.why(e), List.of(), "", null))));
    }
    return out;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (ahead != null && connection == null) {
      ahead.close(); // opened for a run that ended before it needed the engine
    }
    if (fleet != null) {
      fleet.close();
    } else if (connection != null) {
      connection.close();
    }
    connection = null;
  }
}
