package dev.kiln.cli;

import dev.kiln.evaluator.Evaluation;
import dev.kiln.executor.CiProgress;
import dev.kiln.executor.CiSystem;
import dev.kiln.executor.Executor;
import dev.kiln.executor.ExecutorBuilder;
import dev.kiln.executor.JUnitReport;
import dev.kiln.executor.JsonProgress;
import dev.kiln.executor.ListenerPair;
import dev.kiln.executor.OutputText;
import dev.kiln.executor.PlainProgress;
import dev.kiln.executor.PlanRunner;
import dev.kiln.executor.PublishedImage;
import dev.kiln.executor.RunReport;
import dev.kiln.executor.SecretMasker;
import dev.kiln.executor.StepSummary;
import dev.kiln.executor.TaskLogs;
import dev.kiln.executor.TaskOutcome;
import dev.kiln.executor.Terminal;
import dev.kiln.executor.TtyProgress;
import dev.kiln.executor.secrets.SecretStore;
import dev.kiln.executor.trace.Tracing;
import dev.kiln.model.Pipeline;
import dev.kiln.model.PipelineException;
import dev.kiln.model.ProjectRoot;
import dev.kiln.model.RemoteCache;
import dev.kiln.model.SecretSource;
import dev.kiln.model.SourceLocation;
import dev.kiln.planner.Plan;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kiln run [TASK...]}: evaluates, plans and runs the pipeline's tasks on the engine. */
@Command(name = "run", description = "Run TASKs (the pipeline's defaultTasks when none, else all) and what they depend on, on the engine.",
    footerHeading = Kiln.EXAMPLES,
    footer = {
      "  # the default tasks of ./pipeline.pkl (all tasks when it names none)",
      "  kiln run",
      "  # one task and what it depends on, of another pipeline, with a parameter",
      "  kiln run -f ci/pipeline.pkl -p version=1.2.0 publish",
      "  # only what a branch's changes affect, saying why each task runs or not",
      "  kiln run --affected origin/main --explain"
    })
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin EngineOptions engineOptions;

  @Mixin PipelineOptions pipelineOptions;

  @Mixin AffectedOption affected;

  @Parameters(paramLabel = "TASK", description = "Tasks to run (with what they depend on).")
  List<String> tasks = new ArrayList<>();

  @Option(names = {"-j", "--parallel"}, defaultValue = "4", paramLabel = "N",
      description = "How many tasks may run at once (default: ${DEFAULT-VALUE}).")
  int parallel;

  @Option(names = "--keep-going", description = "Let tasks unrelated to a failure finish.")
  boolean keepGoing;

  @Option(names = "--progress", defaultValue = "auto", paramLabel = "MODE", converter = ProgressMode.Converter.class,
      description = "tty, plain, json or auto (default: ${DEFAULT-VALUE}: live lines in collapsible groups when"
          + " GITHUB_ACTIONS=true or GITLAB_CI=true, a live view on a terminal, else plain).")
  ProgressMode progress;

  @Option(names = "--junit", paramLabel = "FILE", description = "Also write a JUnit XML report of the tasks.")
  Path junit;

  @Option(names = "--cache-from", paramLabel = "SPEC", converter = CacheFlag.Import.class,
      description = "Import remote cache, buildx syntax: type=registry,ref=HOST/REPO:TAG (repeatable).")
  List<RemoteCache> cacheFrom = new ArrayList<>();

  @Option(names = "--cache-to", paramLabel = "SPEC", converter = CacheFlag.Export.class,
      description = "Export remote cache: type=registry,ref=...,mode=max or type=inline (with published images);"
          + " what the engine supports is checked before anything runs (repeatable).")
  List<RemoteCache> cacheTo = new ArrayList<>();

  @Option(names = "--explain", description = "Before running, say which steps will run again and why"
      + " (what changed since the last successful run on this machine).")
  boolean explain;

  @Option(names = {"-i", "--interactive"}, description = "Where a step fails, open a shell in its container"
      + " (needs a terminal; runs one task at a time, with plain progress).")
  boolean interactive;

  /** Tests replace this; by default the evaluator with this command's --param/--params-file. */
  PipelineLoader loader;

  @Override
  public Integer call() throws IOException {
    if (parallel < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--parallel must be at least 1");
    }
    Terminal terminal = interactive ? terminal(spec) : null;
    if (interactive) {
      parallel = 1; // one shell at a time, and no other task's output over it
      progress = progress == ProgressMode.JSON ? progress : ProgressMode.PLAIN;
    }
    Path file = pipelineOptions.file();
    Timings timings = Timings.fromEnvironment();
    Path project = file.toAbsolutePath().getParent();
    // The engine is reached while the pipeline is evaluated: both take a few hundred ms of every start.
    ExecutorBuilder builder = engineOptions.executor(project).connectAhead();
    try {
      return run(file, project, builder, timings, terminal);
    } finally {
      builder.discardAhead(); // the run ended before it needed the engine
    }
  }

  private Integer run(Path file, Path project, ExecutorBuilder builder, Timings timings, Terminal terminal)
      throws IOException {
    PipelineOptions.Loaded loaded = pipelineOptions.load(file, loader);
    Pipeline pipeline = loaded.pipeline();
    Set<Path> inputs = loaded.inputs();
    Set<Path> kilnFiles = loaded.kilnFiles();
    timings.mark("evaluate");
    PrintWriter out = spec.commandLine().getOut();
    Consumer<String> warnings = w -> spec.commandLine().getErr().println("warning: " + w);
    StateDirectory.warning(project).ifPresent(warnings);
    builder.setProjectRoot(project).setKilnFiles(kilnFiles)
        .setParallel(parallel).setKeepGoing(keepGoing).setFunctions(pipelineOptions::functions)
        .setPhaseListener(timings::mark).setWarningListener(warnings);
    checkLocalCaches(pipeline, project, file);
    List<String> requested = affected.select(pipeline, pipeline.requested(tasks), project, inputs, explain, out);
    if (affected.ref != null && requested.isEmpty()) {
      spec.commandLine().getErr().println("kiln: no task is affected by what changed since " + affected.ref);
      out.flush();
      return ExitCodes.OK;
    }
    caches(pipeline.cacheImports(), project, cacheFrom).forEach(builder::addCacheImport);
    caches(pipeline.cacheExports(), project, cacheTo).forEach(builder::addCacheExport);
    try (Tracing tracing = Tracing.fromEnvironment(System.getenv()); Executor executor = builder.build()) {
      Plan plan = executor.plan(pipeline, requested);
      // Every registry the run talks to, looked up now: a broken credential setup stops the run
      // before anything runs (exit 2), and the masker knows every registry secret.
      List<byte[]> registrySecrets = executor.registrySecrets(plan);
      StringWriter explanation = new StringWriter();
      if (explain) {
        RunHistory.explain(project, plan, new PrintWriter(explanation), warnings);
        out.print(explanation);
        out.flush();
      }
      Map<String, SecretSource> sources = secretSources(pipeline, plan, pipelineOptions, project, file);
      SecretStore secrets = new SecretStore(sources, System.getenv(), project);
      SecretMasker masker;
      try {
        List<byte[]> all = new ArrayList<>(secrets.resolveAll());
        all.addAll(registrySecrets);
        masker = SecretMasker.of(all); // known before any output is shown
        for (String name : sources.keySet()) {
          if (SecretMasker.tooShort(secrets.get(name).orElseThrow())) {
            spec.commandLine().getErr().println("warning: secret `" + name + "` is shorter than "
                + SecretMasker.MIN_LENGTH + " characters, too short to be masked in output");
          }
        }
      } catch (IOException e) {
        throw new PipelineException(e.getMessage(), SourceLocation.of(file),
            "set the variable or create the file before running, or remove the secret from the pipeline");
      }
      Map<String, String> environment = Kiln.environment(spec);
      String summaryFile = environment.get("GITHUB_STEP_SUMMARY");
      StepSummary summary = new StepSummary("kiln run in " + project.getFileName(),
          OutputText.of(masker).apply(explanation.toString()));
      PlanRunner.Listener listener = listener(out, environment).andThen(tracing.run("kiln run",
          Map.of("kiln.project", String.valueOf(project.getFileName()), "kiln.tasks", String.join(",", requested))));
      // The full output of each task, for `kiln logs`; not when .kiln leads outside the project.
      Optional<TaskLogs> logs = StateDirectory.path(project, LogsCommand.DIRECTORY).map(TaskLogs::new);
      if (logs.isPresent()) {
        listener = new ListenerPair(listener, logs.get());
      }
      Instant started = Instant.now();
      RunReport report = executor.run(plan, secrets, masker,
          summaryFile == null ? listener : new ListenerPair(listener, summary), terminal);
      logs.flatMap(TaskLogs::problem).ifPresent(warnings);
      if (summaryFile != null) {
        try {
          summary.appendTo(Path.of(summaryFile));
        } catch (IOException | RuntimeException e) {
          warnings.accept("could not write the step summary to " + summaryFile + ": " + e.getMessage());
        }
      }
      if (report.succeeded()) {
        // What --explain compares the next run with; a .kiln that cannot be written only warns.
        RunHistory.record(project, plan, warnings);
      }
      if (junit != null) {
        JUnitReport.write(report, "kiln " + project.getFileName(), started, junit, OutputText.of(masker), project,
            warnings);
      }
      timings.mark("record");
      printSummary(report, spec.commandLine().getErr(), masker);
      if (report.interrupted()) {
        return ExitCodes.INTERRUPTED;
      }
      return report.succeeded() ? ExitCodes.OK : ExitCodes.TASK_FAILED;
    }
  }

  /**
   * The secrets of the tasks that will run (only those must be available); a secret read by a
   * command runs it on this machine, so only with the user's consent.
   */
  static Map<String, SecretSource> secretSources(Pipeline pipeline, Plan plan, PipelineOptions pipelineOptions,
      Path project, Path file) {
    Set<String> used = new TreeSet<>();
    plan.tasks().forEach(t -> used.addAll(t.secrets()));
    Map<String, SecretSource> sources = new TreeMap<>();
    pipeline.secrets().forEach((name, secret) -> sources.put(name, secret.source()));
    sources.keySet().retainAll(used);
    sources.forEach((name, source) -> {
      if (source instanceof SecretSource.Command c) {
        pipelineOptions.plugins.trust(project).checkCommand(name, c.command(), file);
      }
    });
    return sources;
  }

  /** The terminal a shell opens on; without one, a usage error now rather than a shell that waits for ever. */
  static Terminal terminal(CommandSpec spec) {
    return SttyTerminal.open().orElseThrow(() -> new picocli.CommandLine.ParameterException(spec.commandLine(),
        "a shell needs a terminal, and stdin or stdout is not one (run it in a terminal, not a pipe or CI job)"));
  }

  /** The pipeline's own cache block first (its local directories are relative to the project), then the flags'. */
  /** The pipeline's local caches stay in the project unless the user trusts it (see {@link Trust#checkOutside}). */
  private void checkLocalCaches(Pipeline pipeline, Path project, Path file) {
    List<RemoteCache> declared = new ArrayList<>(pipeline.cacheImports());
    declared.addAll(pipeline.cacheExports());
    for (RemoteCache c : declared) {
      if (c instanceof RemoteCache.Local local) {
        ProjectRoot root;
        try {
          root = ProjectRoot.of(project);
        } catch (IOException e) {
          throw new PipelineException("the project directory " + project + " cannot be read: " + e.getMessage(),
              SourceLocation.of(file), "check that it exists and is readable");
        }
        SourceLocation where = local.location() != null ? local.location() : SourceLocation.of(file);
        pipelineOptions.plugins.trust(project).checkOutside(root.resolve(local.dir().toString()),
            "local cache directory `" + local.dir() + "`", where);
      }
    }
  }

  private static List<RemoteCache> caches(List<RemoteCache> pipeline, Path project, List<RemoteCache> flags) {
    List<RemoteCache> out = new ArrayList<>();
    pipeline.forEach(c -> out.add(c.resolve(project)));
    out.addAll(flags);
    return out;
  }

  /** The output mode's listener; it gets text already masked. */
  private PlanRunner.Listener listener(PrintWriter out, Map<String, String> environment) {
    if (progress == ProgressMode.JSON) {
      return new JsonProgress(out);
    }
    Optional<CiSystem> ci = CiSystem.of(environment);
    if (progress == ProgressMode.AUTO && ci.isPresent()) {
      return new CiProgress(ci.get(), out);
    }
    if (progress == ProgressMode.TTY || (progress == ProgressMode.AUTO && System.console() != null
        && !"dumb".equals(environment.get("TERM")) && environment.get("CI") == null)) {
      int columns = 100;
      try {
        columns = Integer.parseInt(environment.getOrDefault("COLUMNS", "100"));
      } catch (NumberFormatException e) {
        // keep the default width
      }
      return new TtyProgress(out, columns);
    }
    return new PlainProgress(out);
  }

  /** Each failure, what was published and the counts, masked. */
  static void printSummary(RunReport report, PrintWriter err, SecretMasker mask) {
    for (TaskOutcome failed : report.failures()) {
      err.print(ErrorRenderer.taskFailure(failed.task(), failed.error(), OutputText.of(mask)));
    }
    for (PublishedImage image : report.published()) {
      err.println(mask.apply("kiln: published " + image.pinned()));
    }
    long skipped = report.tasks().stream().filter(t -> t.status() == TaskOutcome.Status.SKIPPED).count();
    long cancelled = report.tasks().stream().filter(t -> t.status() == TaskOutcome.Status.CANCELLED).count();
    long ok = report.tasks().stream().filter(t -> t.status() == TaskOutcome.Status.SUCCEEDED).count();
    err.println((report.succeeded() ? "kiln: " : "kiln: FAILED: ") + ok + " succeeded, " + report.failures().size()
        + " failed, " + cancelled + " cancelled, " + skipped + " skipped"
        + (report.interrupted() ? " (interrupted)" : ""));
    err.flush();
  }
}
