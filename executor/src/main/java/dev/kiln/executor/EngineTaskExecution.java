package dev.kiln.executor;

import dev.kiln.executor.engine.ImageIndex;
import dev.kiln.executor.exports.ExportSet;
import dev.kiln.executor.exports.FileTrees;
import dev.kiln.executor.filesync.FileSendService;
import dev.kiln.executor.services.RunServices;
import dev.kiln.executor.services.ServiceException;
import dev.kiln.model.ProjectRoot;
import dev.kiln.planner.PlannedTarget;
import dev.kiln.planner.PlannedTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * One task's work on the engine, for the {@link TaskScheduler}: its function call (with its inputs
 * copied out of the engine), then each of its targets' solves, then its exports and results put in
 * the project together ({@link ExportSet}: all of them or none).
 */
final class EngineTaskExecution implements TaskScheduler.TaskExecution {
  private final TargetSolver solver;
  private final ResultStore store;
  private final CallSettings calls;
  private final ProjectRoot root;
  private final SecretMasker masker;
  private final PlanRunner.Listener listener;
  private final BooleanSupplier runCancelled;
  private final RunServices services;

  /**
   * @param calls what tasks that call functions need; null when the plan has none
   * @param masker the run's secrets, masked in results
   * @param runCancelled whether the whole run was cancelled (a solve that ends then was cancelled, not failed)
   * @param services the run's services, started for the tasks that bind them
   */
  EngineTaskExecution(TargetSolver solver, ResultStore store, CallSettings calls, ProjectRoot root,
      SecretMasker masker, PlanRunner.Listener listener, BooleanSupplier runCancelled, RunServices services) {
    this.solver = solver;
    this.store = store;
    this.calls = calls;
    this.root = root;
    this.masker = masker;
    this.listener = listener;
    this.runCancelled = runCancelled;
    this.services = services;
  }

  @Override
  public TaskOutcome execute(PlannedTask task) {
    long start = System.nanoTime();
    listener.taskStarted(task.name());
    CacheWatch cache = new CacheWatch();
    Map<String, String> results = new TreeMap<>();
    List<PublishedImage> published = new ArrayList<>();
    Map<String, String> addresses;
    try {
      addresses = services.acquire(task); // before any solve: the run's steps may bind them
    } catch (ServiceException e) {
      SolveException se = SolveException.builder(e.getMessage()).setHint(e.hint().orElse(null)).setCause(e).build()
          .withServiceLogs(Map.of(e.service(), e.log()));
      return new TaskOutcome(task.name(), TaskOutcome.Status.FAILED, since(start), false, se);
    } catch (CancelledException e) {
      return new TaskOutcome(task.name(), TaskOutcome.Status.CANCELLED, since(start), false, null);
    }
    collectReports(task, cache, addresses);
    try (ExportSet outputs = new ExportSet(root)) {
      if (task.call() != null) {
        results.putAll(call(task, cache, addresses));
      }
      List<ImageIndex.PlatformImage> platforms = new ArrayList<>();
      String indexRef = null;
      for (PlannedTarget target : TargetSolver.solvedTargets(task)) {
        if (target.kind() == PlannedTarget.Kind.EXPORT) {
          export(task, target, cache, outputs, addresses);
        } else {
          TargetSolver.Solved solved = solver.solve(task, target, cache, null, addresses);
          results.putAll(solved.results());
          solved.published().ifPresent(published::add);
          if (target.kind() == PlannedTarget.Kind.PUBLISH && !target.path().isEmpty()) {
            indexRef = target.destination();
            platforms.add(new ImageIndex.PlatformImage(target.path(), solved.published().orElseThrow()));
          }
        }
      }
      if (indexRef != null) {
        // The task's image is the index: its digest and pinned ref are the task's results.
        PublishedImage index = solver.index(task, indexRef, platforms);
        results.putAll(index.results());
        published.add(0, index);
      }
      if (!results.isEmpty()) {
        results.replaceAll((name, value) -> withoutSecrets(task.name(), name, value));
        outputs.stageResults(task.name(), results);
      }
      outputs.commit(); // the task's exports and results land together, or none does
      for (PlannedTarget target : TargetSolver.solvedTargets(task)) {
        if (target.kind() == PlannedTarget.Kind.EXPORT) {
          listener.exported(task.name(), target.destination());
        }
      }
      // A function runs on every run, whether or not its inputs came from the cache.
      boolean cached = task.call() == null && cache.allCached();
      return new TaskOutcome(task.name(), TaskOutcome.Status.SUCCEEDED, since(start), cached, null, results,
          published);
    } catch (SolveException e) {
      boolean cancelled = runCancelled.getAsBoolean() || Thread.currentThread().isInterrupted() || e.cancelled();
      // what the services the failed steps talked to printed, while they still run
      SolveException failure = cancelled || task.services().isEmpty() ? e : e.withServiceLogs(services.logs(task));
      return new TaskOutcome(task.name(), cancelled ? TaskOutcome.Status.CANCELLED : TaskOutcome.Status.FAILED,
          since(start), false, cancelled ? null : failure);
    } catch (IOException e) {
      SolveException se = SolveException.failed("task " + task.name() + ": " + e.getMessage(), null, e);
      return new TaskOutcome(task.name(), TaskOutcome.Status.FAILED, since(start), false, se);
    }
  }

  @Override
  public void finished(TaskOutcome outcome) {
    services.finished(outcome.task());
    store.record(outcome);
    listener.taskFinished(outcome);
  }

  /**
   * Puts the task's JUnit reports in {@link TestReports#dir}, replacing the last run's, before the
   * run's last step re-raises the tests' exit code; reports that cannot be had are a warning, since
   * the run's own failure (a compile error before any test) says more.
   */
  private void collectReports(PlannedTask task, CacheWatch cache, Map<String, String> addresses) {
    List<PlannedTarget> reports = task.targets().stream().filter(t -> t.kind() == PlannedTarget.Kind.REPORTS).toList();
    if (reports.isEmpty()) {
      return;
    }
    try {
      FileTrees.delete(TestReports.dir(root.real(), task.name()));
      for (PlannedTarget target : reports) {
        try (ExportSet outputs = new ExportSet(root)) {
          export(task, new PlannedTarget(target.kind(), target.path(),
              TestReports.DIR + "/" + task.name() + "/" + target.destination(), target.definition(), target.image()),
              cache, outputs, addresses);
          outputs.commit();
        } catch (SolveException e) {
          if (Thread.currentThread().isInterrupted() || runCancelled.getAsBoolean()) {
            return;
          }
          listener.warning(task.name(), "no test reports at " + target.path() + ": " + e.getMessage());
        }
      }
    } catch (IOException e) {
      listener.warning(task.name(), "test reports not kept: " + e.getMessage());
    }
  }

  /** Receives an export into a staging directory beside its destination; {@code outputs} puts it in place. */
  private void export(PlannedTask task, PlannedTarget target, CacheWatch cache, ExportSet outputs,
      Map<String, String> addresses) throws IOException {
    Path staging = outputs.stage("export of " + target.path(), target.destination());
    FileSendService receiver = new FileSendService(staging);
    try {
      solver.solve(task, target, cache, receiver, addresses);
    } catch (SolveException e) {
      // The engine only saw the client go away ("exporting to client: EOF"): say why it did.
      throw receiver.failure().map(f -> outputs.receiveFailed(staging, f)).orElse(e);
    }
    outputs.received(staging, staging.resolve(Path.of(target.path()).getFileName().toString()));
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /**
   * Copies the call's file and directory arguments out of the engine into temporary directories,
   * calls the function, and returns its results. The temporary directories are deleted whatever
   * happens.
   */
  private Map<String, String> call(PlannedTask task, CacheWatch cache, Map<String, String> addresses)
      throws IOException {
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
        Path dir = Files.createTempDirectory("kiln-input-");
        temporary.add(dir);
        solver.solve(task, target, cache, new FileSendService(dir), addresses);
        Path arg = target.destination().equals(".") ? dir : dir.resolve(target.destination());
        if (!Files.exists(arg, LinkOption.NOFOLLOW_LINKS)) {
          throw SolveException.failed("input `" + target.path() + "` of task " + task.name() + " produced nothing",
              "check that the file or directory exists where the pipeline takes it from", null);
        }
        inputs.put(target.path(), arg);
      }
      return new FunctionCaller(calls, root.real())
          .call(task, inputs, store.upstream(), line -> listener.functionLog(task.name(), line));
    } finally {
      for (Path dir : temporary) {
        FileTrees.delete(dir);
      }
    }
  }

  /**
   * {@code value} with the run's secrets masked: results are printed and kept in the project, where
   * no secret may be. Masking one is said, since later tasks then read {@code ***}.
   */
  private String withoutSecrets(String task, String name, String value) {
    String masked = masker.apply(value);
    if (!masked.equals(value)) {
      listener.warning(task, "result `" + name + "` contains a secret's value; it is kept and shown masked (***)");
    }
    return masked;
  }
}
