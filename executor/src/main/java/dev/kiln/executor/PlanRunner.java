package dev.kiln.executor;

import dev.kiln.executor.cache.LocalCaches;
import dev.kiln.executor.cache.RemoteCaches;
import dev.kiln.executor.engine.BuildkitConnection;
import dev.kiln.executor.engine.ImagePublisher;
import dev.kiln.executor.engine.Session;
import dev.kiln.executor.engine.SolveOptions;
import dev.kiln.executor.engine.Solver;
import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.model.KilnException;
import dev.kiln.model.RemoteCache;
import dev.kiln.planner.Plan;
import dev.kiln.planner.PlannedTarget;
import dev.kiln.planner.PlannedTask;
import dev.kiln.planner.llb.Definition;
import dev.kiln.planner.llb.pb.Op;
import io.grpc.ServerServiceDefinition;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a plan's tasks on an engine: each task after the tasks it depends on, independent tasks in
 * parallel up to a limit. A failure cancels the other running tasks unless {@code keepGoing}; then
 * only the tasks that depend on a failed one are skipped.
 */
public final class PlanRunner {
  /** What the daemon may call back during a solve: local directories to send, an export to receive. */
  @FunctionalInterface
  public interface SessionServices {
    /**
     * The services for one solve.
     *
     * @param localDirs local source name -> host directory
     * @param exportTo where the {@code local} exporter's files go, or null when nothing is exported
     */
    List<ServerServiceDefinition> create(Map<String, Path> localDirs, Path exportTo);
  }

  /** Hears about a run as it happens; called from several threads. */
  public interface Listener {
    default void taskStarted(String task) {}

    default void status(String task, Definition definition, StatusResponse update) {}

    default void taskFinished(TaskOutcome outcome) {}

    /** A line a task's run-time function logged (not yet masked: listeners mask what they print). */
    default void functionLog(String task, String line) {}

    /** Something the user should know about a task that does not fail it. */
    default void warning(String task, String message) {}

    /** The run is over; nothing more will be reported. */
    default void runFinished(RunReport report) {}
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
   */
  public record Options(int parallel, boolean keepGoing, Path projectRoot, String sharedKey,
      List<RemoteCache> cacheFrom, List<RemoteCache> cacheTo, boolean registryShares, SecretMasker masker) {

    /** Options without remote cache or secrets. */
    public Options(int parallel, boolean keepGoing, Path projectRoot, String sharedKey) {
      this(parallel, keepGoing, projectRoot, sharedKey, List.of(), List.of(), false, SecretMasker.none());
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
    }
  }

  private final BuildkitConnection connection;
  private final SessionServices services;
  private final Options options;
  private final Listener listener;
  private final CallSettings calls;
  private final LocalCaches localCaches;
  /** The cache imports of every solve of the plan being run (see {@link #importsFor}). */
  private volatile List<SolveOptions.CacheEntry> imports = List.of();
  /** The results of the tasks that succeeded so far, for the placeholders of later calls. */
  private final Map<String, Map<String, String>> results = new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicBoolean interrupted = new AtomicBoolean();
  private final java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
  private final List<Future<TaskOutcome>> running = new ArrayList<>();

  /** A runner for plans without function calls. */
  public PlanRunner(BuildkitConnection connection, SessionServices services, Options options, Listener listener) {
    this(connection, services, options, listener, null);
  }

  /** @param calls what tasks that call functions need; null when the plans have none */
  public PlanRunner(BuildkitConnection connection, SessionServices services, Options options, Listener listener,
      CallSettings calls) {
    this.connection = connection;
    this.services = services;
    this.options = options;
    this.listener = listener;
    this.calls = calls;
    this.localCaches = new LocalCaches(options.cacheFrom(), options.cacheTo());
  }

  /** Stops the run: running solves are cancelled on the engine, nothing new starts (Ctrl-C). */
  public void interrupt() {
    interrupted.set(true);
    synchronized (running) {
      running.forEach(f -> f.cancel(true));
    }
  }

  /**
   * Waits up to {@code timeout} for {@link #run} to return, so that an interrupted run has told the
   * engine to cancel its solves before the process exits.
   */
  public boolean awaitFinished(Duration timeout) {
    try {
      return finished.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Runs every task of {@code plan}. */
  public RunReport run(Plan plan) {
    try {
      return runTasks(plan);
    } finally {
      finished.countDown();
    }
  }

  private RunReport runTasks(Plan plan) {
    imports = importsFor(plan);
    Map<String, PlannedTask> tasks = new LinkedHashMap<>();
    plan.tasks().forEach(t -> tasks.put(t.name(), t));
    Map<String, TaskOutcome> outcomes = new TreeMap<>();
    Map<Future<TaskOutcome>, String> names = new LinkedHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(options.parallel(), r -> {
      Thread t = new Thread(r, "kiln-task");
      t.setDaemon(true);
      return t;
    });
    ExecutorCompletionService<TaskOutcome> done = new ExecutorCompletionService<>(pool);
    boolean stopping = false;
    boolean wasInterrupted = false;
    try {
      while (true) {
        if (!stopping && !interrupted.get()) {
          for (PlannedTask t : tasks.values()) {
            if (!outcomes.containsKey(t.name()) && !names.containsValue(t.name()) && ready(t, outcomes)) {
              Future<TaskOutcome> f = done.submit(() -> execute(t));
              synchronized (running) {
                running.add(f);
              }
              names.put(f, t.name());
            }
          }
        }
        if (names.isEmpty()) {
          break;
        }
        Future<TaskOutcome> f;
        try {
          f = done.take();
        } catch (InterruptedException e) {
          // Cancel everything, then keep collecting the (now cancelled) tasks; the flag is restored
          // at the end, since setting it here would make every further take() throw at once.
          interrupt();
          wasInterrupted = true;
          stopping = true;
          continue;
        }
        String name = names.remove(f);
        synchronized (running) {
          running.remove(f);
        }
        TaskOutcome outcome = outcomeOf(f, name);
        outcomes.put(name, outcome);
        if (outcome.status() == TaskOutcome.Status.SUCCEEDED) {
          results.put(name, outcome.results());
        }
        listener.taskFinished(outcome);
        if (outcome.status() == TaskOutcome.Status.FAILED && !options.keepGoing()) {
          stopping = true;
          synchronized (running) {
            running.forEach(r -> r.cancel(true));
          }
        }
      }
    } finally {
      pool.shutdownNow();
      if (wasInterrupted) {
        Thread.currentThread().interrupt();
      }
    }
    List<TaskOutcome> all = new ArrayList<>();
    for (PlannedTask t : tasks.values()) {
      TaskOutcome o = outcomes.get(t.name());
      if (o == null) {
        o = new TaskOutcome(t.name(), TaskOutcome.Status.SKIPPED, Duration.ZERO, false, null);
        listener.taskFinished(o);
      }
      all.add(o);
    }
    RunReport report = new RunReport(all, interrupted.get());
    listener.runFinished(report);
    return report;
  }

  private static boolean ready(PlannedTask t, Map<String, TaskOutcome> outcomes) {
    for (String dep : t.dependsOn()) {
      TaskOutcome o = outcomes.get(dep);
      if (o == null || o.status() != TaskOutcome.Status.SUCCEEDED) {
        return false;
      }
    }
    return true;
  }

  private TaskOutcome outcomeOf(Future<TaskOutcome> f, String name) {
    try {
      return f.get();
    } catch (java.util.concurrent.CancellationException e) {
      return new TaskOutcome(name, TaskOutcome.Status.CANCELLED, Duration.ZERO, false, null);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof KilnException ke && !(ke instanceof SolveException)) {
        throw ke;
      }
      throw new IllegalStateException("task " + name + " failed unexpectedly", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new TaskOutcome(name, TaskOutcome.Status.CANCELLED, Duration.ZERO, false, null);
    }
  }

  private TaskOutcome execute(PlannedTask task) {
    long start = System.nanoTime();
    listener.taskStarted(task.name());
    CacheWatch cache = new CacheWatch();
    Map<String, String> results = new TreeMap<>();
    try {
      if (task.call() != null) {
        results.putAll(call(task, cache));
      }
      for (PlannedTarget target : solved(task)) {
        runTarget(task, target, cache, results);
      }
      if (!results.isEmpty()) {
        results.replaceAll((name, value) -> withoutSecrets(task.name(), name, value));
        writeResults(task.name(), results);
      }
      // A function runs on every run, whether or not its inputs came from the cache.
      boolean cached = task.call() == null && cache.allCached();
      return new TaskOutcome(task.name(), TaskOutcome.Status.SUCCEEDED, since(start), cached, null, results);
    } catch (SolveException e) {
      boolean cancelled = interrupted.get() || Thread.currentThread().isInterrupted()
          || e.cancelled();
      return new TaskOutcome(task.name(), cancelled ? TaskOutcome.Status.CANCELLED : TaskOutcome.Status.FAILED,
          since(start), false, cancelled ? null : e);
    } catch (IOException e) {
      SolveException se = new SolveException("task " + task.name() + ": " + e.getMessage(), null, null, List.of(),
          null, e);
      return new TaskOutcome(task.name(), TaskOutcome.Status.FAILED, since(start), false, se);
    }
  }

  /** The targets of {@code task} that are solved, in order (an input is solved by the call that reads it). */
  private static List<PlannedTarget> solved(PlannedTask task) {
    boolean exported = task.targets().stream().anyMatch(t -> t.kind() == PlannedTarget.Kind.EXPORT);
    List<PlannedTarget> out = new ArrayList<>();
    for (PlannedTarget target : task.targets()) {
      // An export is taken from the run's result, so solving it runs every step of the run:
      // a separate solve of the run would only repeat the work (and a session) for nothing.
      if (target.kind() == PlannedTarget.Kind.RUN && exported && task.results().isEmpty()
          || target.kind() == PlannedTarget.Kind.INPUT) {
        continue;
      }
      out.add(target);
    }
    return out;
  }

  /** The name of a solve's share of a remote cache: the task and the target's position. */
  private static String solveName(PlannedTask task, PlannedTarget target) {
    return task.name() + "-" + task.targets().indexOf(target);
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /**
   * Copies the call's file and directory arguments out of the engine into temporary directories,
   * calls the function, and returns its results. The temporary directories are deleted whatever
   * happens.
   */
  private Map<String, String> call(PlannedTask task, CacheWatch cache) throws IOException {
    if (calls == null) {
      throw new IllegalStateException("task " + task.name() + " calls a function, but the runner has no CallSettings");
    }
    List<Path> temporary = new ArrayList<>();
    try {
      Map<String, Path> inputs = new TreeMap<>();
      for (PlannedTarget target : task.targets()) {
        if (target.kind() != PlannedTarget.Kind.INPUT) {
          continue;
        }
        Path dir = java.nio.file.Files.createTempDirectory("kiln-input-");
        temporary.add(dir);
        solve(task, target, cache, new TreeMap<>(), dir);
        Path arg = target.destination().equals(".") ? dir : dir.resolve(target.destination());
        if (!java.nio.file.Files.exists(arg, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          throw new SolveException("input `" + target.path() + "` of task " + task.name() + " produced nothing",
              null, null, List.of(), "check that the file or directory exists where the pipeline takes it from", null);
        }
        inputs.put(target.path(), arg);
      }
      return new FunctionCaller(calls, options.projectRoot())
          .call(task, inputs, Map.copyOf(results), line -> listener.functionLog(task.name(), line));
    } finally {
      for (Path dir : temporary) {
        ExportInstaller.deleteTree(dir);
      }
    }
  }

  private void runTarget(PlannedTask task, PlannedTarget target, CacheWatch cache, Map<String, String> results)
      throws IOException {
    Path staging = target.kind() == PlannedTarget.Kind.EXPORT
        ? ExportInstaller.staging(options.projectRoot().resolve(target.destination())) : null;
    try {
      solve(task, target, cache, results, staging);
      if (target.kind() == PlannedTarget.Kind.EXPORT) {
        Path received = staging.resolve(Path.of(target.path()).getFileName().toString());
        if (!java.nio.file.Files.exists(received, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          throw new SolveException("export of " + target.path() + " produced nothing", null, null, List.of(),
              "check that the path exists in the container", null);
        }
        ExportInstaller.install(received, options.projectRoot().resolve(target.destination()));
      }
    } finally {
      if (staging != null) {
        ExportInstaller.deleteTree(staging);
      }
    }
  }

  /**
   * Solves {@code target} in a session of its own.
   *
   * @param localExport where the local exporter writes (exports and inputs), else null
   */
  private void solve(PlannedTask task, PlannedTarget target, CacheWatch cache, Map<String, String> results,
      Path localExport) throws IOException {
    Map<String, Path> localDirs = localDirs(target.definition());
    Session.Builder sb = Session.builder().name("kiln " + task.name()).sharedKey(options.sharedKey());
    services.create(localDirs, localExport).forEach(sb::addService);
    if (localCaches.any()) {
      sb.addService(localCaches.service().definition());
    }
    String solveName = solveName(task, target);
    try (Session session = sb.start(connection)) {
      Definition def = localDirs.isEmpty() ? target.definition() : target.definition().withLocalSession(session.id());
      java.util.function.Consumer<StatusResponse> progress = r -> {
        cache.accept(r, def);
        listener.status(task.name(), def, r);
      };
      Map<String, String> response = switch (target.kind()) {
        case RUN -> task.results().isEmpty()
            ? new Solver(connection).solve(def.toPb(), withCache(SolveOptions.none().withSession(session.id()), solveName),
                progress)
            : readResults(task, def, session, progress, results, solveName);
        case EXPORT, INPUT -> new Solver(connection).solve(def.toPb(),
            withCache(SolveOptions.none().withSession(session.id()), solveName)
                .withExporter(new SolveOptions.Exporter("local", Map.of())), progress);
        case PUBLISH -> new ImagePublisher(connection).publish(def.toPb(), target.image(), target.destination(),
            session.id(), imports, exports(true, solveName), progress);
      };
      localCaches.exported(solveName, response);
    }
  }

  /**
   * The cache imports of {@code plan}'s solves: a registry cache's ref itself, then the share of
   * each solve of the plan (see {@link RemoteCaches#share}), the others as they are.
   */
  private List<SolveOptions.CacheEntry> importsFor(Plan plan) {
    List<String> solves = new ArrayList<>();
    for (PlannedTask t : plan.tasks()) {
      List<PlannedTarget> solved = solved(t);
      for (PlannedTarget target : t.targets()) {
        if (solved.contains(target) || target.kind() == PlannedTarget.Kind.INPUT) {
          solves.add(solveName(t, target));
        }
      }
    }
    List<SolveOptions.CacheEntry> out = new ArrayList<>();
    for (RemoteCache c : options.cacheFrom()) {
      out.add(RemoteCaches.importEntry(c));
      if (c instanceof RemoteCache.Registry && options.registryShares()) {
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

  /**
   * Cache exports for a solve: {@code inline} only where an image is exported, the others
   * everywhere. A registry cache goes to the solve's own share of its ref only: parallel tasks
   * pushing one ref would each replace the others' cache (and a registry may fail such races).
   */
  private List<SolveOptions.CacheEntry> exports(boolean image, String solve) {
    return options.cacheTo().stream().filter(c -> image || !(c instanceof RemoteCache.Inline))
        .map(c -> RemoteCaches.exportEntry(RemoteCaches.share(c, solve))).toList();
  }

  private SolveOptions withCache(SolveOptions o, String solve) {
    SolveOptions out = exportsOnly(o, solve);
    for (SolveOptions.CacheEntry e : imports) {
      out = out.withCacheImport(e);
    }
    return out;
  }

  /** With the cache exports of a solve that exports no image (a gateway solve takes its imports per solve). */
  private SolveOptions exportsOnly(SolveOptions o, String solve) {
    SolveOptions out = o;
    for (SolveOptions.CacheEntry e : exports(false, solve)) {
      out = out.withCacheExport(e);
    }
    return out;
  }

  /**
   * Solves a run in gateway mode and reads back the result files it wrote into {@code out}.
   *
   * @return the exporters' response (the remote cache's)
   */
  private Map<String, String> readResults(PlannedTask task, Definition def, Session session,
      java.util.function.Consumer<StatusResponse> progress, Map<String, String> out, String solveName) {
    Map<String, String> values = new TreeMap<>();
    try (dev.kiln.executor.engine.Gateway gw = dev.kiln.executor.engine.Gateway.open(connection,
        exportsOnly(SolveOptions.none().withSession(session.id()), solveName), progress)) {
      String ref = gw.solve(def.toPb(), imports);
      for (String name : task.results()) {
        String path = PlannedTask.RESULTS_DIR + "/" + name;
        byte[] value;
        try {
          value = gw.readFile(ref, path);
        } catch (RuntimeException e) {
          throw new SolveException("task " + task.name() + " did not write its result `" + name + "`", null, null,
              List.of(), "have the task's command write the value to " + path, e);
        }
        if (value.length > MAX_RESULT) {
          throw new SolveException("result `" + name + "` of task " + task.name() + " is " + value.length
              + " bytes; results are small values (at most " + MAX_RESULT + " bytes)", null, null, List.of(),
              "export large outputs with `exports` instead", null);
        }
        values.put(name, new String(value, java.nio.charset.StandardCharsets.UTF_8));
      }
      Map<String, String> response = options.cacheTo().isEmpty() ? Map.of() : gw.finish(ref);
      out.putAll(values);
      return response;
    }
  }

  private static final int MAX_RESULT = 64 * 1024;

  /**
   * {@code value} with the run's secrets masked: results are printed and kept in the project, where
   * no secret may be. Masking one is said, since later tasks then read {@code ***}.
   */
  private String withoutSecrets(String task, String name, String value) {
    String masked = options.masker().apply(value);
    if (!masked.equals(value)) {
      listener.warning(task, "result `" + name + "` contains a secret's value; it is kept and shown masked (***)");
    }
    return masked;
  }

  /** {@code .kiln/results/<task>/<name>}, replaced whole, where later tasks can read them. */
  private void writeResults(String task, Map<String, String> results) throws IOException {
    Path dest = options.projectRoot().resolve(".kiln/results").resolve(task);
    Path staging = ExportInstaller.staging(dest);
    try {
      java.nio.file.Files.createDirectories(staging);
      for (Map.Entry<String, String> r : results.entrySet()) {
        java.nio.file.Files.writeString(staging.resolve(r.getKey()), r.getValue());
      }
      ExportInstaller.install(staging, dest);
    } finally {
      ExportInstaller.deleteTree(staging);
    }
  }

  /** The local sources a definition reads, by name, resolved under the project root. */
  Map<String, Path> localDirs(Definition def) {
    Map<String, Path> dirs = new TreeMap<>();
    for (int i = 0; i < def.size(); i++) {
      Op op = def.op(i);
      if (op.hasSource() && op.getSource().getIdentifier().startsWith("local://")) {
        String name = op.getSource().getIdentifier().substring("local://".length());
        dirs.put(name, options.projectRoot().resolve(name).normalize());
      }
    }
    return dirs;
  }

  /** Whether every vertex of a task came from the cache. */
  private static final class CacheWatch {
    private final Map<String, Boolean> cached = new java.util.concurrent.ConcurrentHashMap<>();

    void accept(StatusResponse r, Definition def) {
      java.util.Set<String> sources = sourceDigests(def);
      r.getVertexesList().forEach(v -> {
        // Sources (resolving an image, syncing local files) are redone on every solve and never
        // report "cached"; what says whether the task ran is everything else.
        if (v.hasCompleted() && !sources.contains(v.getDigest()) && !v.getName().startsWith("docker-image://")) {
          cached.put(v.getDigest(), v.getCached());
        }
      });
    }

    private static java.util.Set<String> sourceDigests(Definition def) {
      java.util.Set<String> out = new java.util.HashSet<>();
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
}
