package dev.kiln.server;

import dev.kiln.executor.EngineUnavailableException;
import dev.kiln.executor.Executor;
import dev.kiln.executor.ExecutorBuilder;
import dev.kiln.executor.RunReport;
import dev.kiln.executor.SecretMasker;
import dev.kiln.executor.TaskOutcome;
import dev.kiln.executor.engine.EngineTls;
import dev.kiln.executor.secrets.SecretStore;
import dev.kiln.executor.trace.Tracing;
import dev.kiln.model.FunctionRegistry;
import dev.kiln.model.KilnException;
import dev.kiln.model.SecretSource;
import dev.kiln.planner.Plan;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Runs jobs with Kiln's executor, as {@code kiln run} does: one executor per run (its project is
 * the run's workspace), on the engine at {@code engine} (null: found as {@code kiln run} finds it).
 */
public final class ExecutorRuns implements EngineRuns {
  private final String engine;
  private final int parallel;
  private final Supplier<FunctionRegistry> functions;
  private final Tracing tracing;
  private final EngineTls engineTls;

  /**
   * @param engine the engine's address, or null for the default discovery
   * @param parallel how many tasks of one run may run at once
   * @param functions the functions run-time calls may use
   */
  public ExecutorRuns(String engine, int parallel, Supplier<FunctionRegistry> functions) {
    this(engine, parallel, functions, Tracing.fromEnvironment(Map.of()));
  }

  /**
   * @param engine the engine's address, or null for the default discovery
   * @param parallel how many tasks of one run may run at once
   * @param functions the functions run-time calls may use
   * @param tracing where runs' spans go (the caller closes it)
   */
  public ExecutorRuns(String engine, int parallel, Supplier<FunctionRegistry> functions, Tracing tracing) {
    this(engine, null, parallel, functions, tracing);
  }

  private ExecutorRuns(String engine, EngineTls engineTls, int parallel, Supplier<FunctionRegistry> functions,
      Tracing tracing) {
    this.engine = engine;
    this.engineTls = engineTls;
    this.parallel = parallel;
    this.functions = functions;
    this.tracing = tracing;
  }

  /** These runs on a TCP engine with the TLS settings of Kiln's {@code --tls*} flags (null: none). */
  public ExecutorRuns withEngineTls(EngineTls tls) {
    return new ExecutorRuns(engine, tls, parallel, functions, tracing);
  }

  @Override
  public RunOutcome run(RunJob job, RunEvents events, Cancellation cancellation) {
    ExecutorBuilder builder = ExecutorBuilder.unconfigured().setEngine(engine).setEngineTls(engineTls).setEnvironment(job.environment())
        .setProjectRoot(job.workspace()).setParallel(parallel).setFunctions(functions)
        .setWarningListener(w -> events.log("", "warning: " + w));
    job.pipeline().cacheImports().forEach(c -> builder.addCacheImport(c.resolve(job.workspace())));
    job.pipeline().cacheExports().forEach(c -> builder.addCacheExport(c.resolve(job.workspace())));
    try (Executor executor = builder.build()) {
      cancellation.onCancel(executor::cancel);
      Plan plan = executor.plan(job.pipeline(), job.tasks());
      // only the secrets of the tasks that run must be available
      Set<String> used = new TreeSet<>();
      plan.tasks().forEach(t -> used.addAll(t.secrets()));
      Map<String, SecretSource> sources = new TreeMap<>();
      job.pipeline().secrets().forEach((name, secret) -> {
        if (used.contains(name)) {
          sources.put(name, secret.source());
        }
      });
      SecretStore secrets = new SecretStore(sources, job.environment(), job.workspace());
      SecretMasker masker;
      try {
        masker = SecretMasker.of(secrets.resolveAll());
      } catch (IOException e) {
        return new RunOutcome(RunOutcome.INVALID, "a secret cannot be read: " + e.getMessage());
      }
      if (cancellation.cancelled()) {
        return new RunOutcome(RunOutcome.CANCELLED, cancellation.reason());
      }
      RunReport report = executor.run(plan, secrets, masker,
          new EngineProgress(events).andThen(tracing.run("kiln serve run", job.labels())));
      long ok = report.tasks().stream().filter(t -> t.status() == TaskOutcome.Status.SUCCEEDED).count();
      String summary = ok + " succeeded, " + report.failures().size() + " failed";
      if (report.interrupted() || cancellation.cancelled()) {
        return new RunOutcome(RunOutcome.CANCELLED, cancellation.cancelled() ? cancellation.reason() : summary);
      }
      return report.succeeded() ? new RunOutcome(RunOutcome.OK, summary)
          : new RunOutcome(RunOutcome.TASK_FAILED, masker.apply(summary + ": " + report.failures().get(0).task()
              + " failed: " + report.failures().get(0).error().getMessage()));
    } catch (EngineUnavailableException e) {
      return new RunOutcome(RunOutcome.ENGINE_UNREACHABLE, e.getMessage());
    } catch (KilnException e) {
      return new RunOutcome(RunOutcome.INVALID, e.getMessage() + e.hint().map(h -> " (" + h + ")").orElse(""));
    }
  }
}
