package dev.kiln.cli;

import dev.kiln.executor.Executor;
import dev.kiln.executor.IgnoreFiles;
import dev.kiln.model.Pipeline;
import dev.kiln.planner.EngineCapabilities;
import dev.kiln.planner.Plan;
import dev.kiln.planner.PlanException;
import dev.kiln.planner.PlannerBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kiln plan [TASK...]}: shows what would run, with digests, without an engine. */
@Command(
    name = "plan",
    description = {
      "Show the plan for TASKs (the pipeline's defaultTasks when none, else all): tasks, dependencies, ops with digests,"
          + " cache volumes, secrets (by name) and exports.",
      "Without an engine, the plan is made for Docker 20.10 (BuildKit v0.8), the oldest engine"
          + " Kiln supports; --assume-engine latest shows what a current BuildKit gets."
    },
    footerHeading = Kiln.EXAMPLES,
    footer = {
      "  # the plan of the default tasks",
      "  kiln plan",
      "  # which steps of the task `test` will run again, and why",
      "  kiln plan --explain test",
      "  # the graph of tasks and steps as a picture (Graphviz)",
      "  kiln plan --format dot | dot -Tsvg > plan.svg"
    })
final class PlanCommand implements Callable<Integer> {
  /** Which engine to plan for when none is probed. */
  enum AssumedEngine {
    DOCKER_20_10("docker-20.10"),
    LATEST("latest");

    final String flag;

    AssumedEngine(String flag) {
      this.flag = flag;
    }

    @Override
    public String toString() {
      return flag;
    }

    /** Reads {@code --assume-engine} by the flag spellings ({@code docker-20.10}, {@code latest}). */
    static final class Converter extends EnumConverter<AssumedEngine> {
      Converter() {
        super(AssumedEngine.class);
      }
    }
  }

  @Spec CommandSpec spec;

  @Mixin PipelineOptions pipelineOptions;

  @Mixin AffectedOption affected;

  @Parameters(paramLabel = "TASK", description = "Tasks to plan (with what they depend on).")
  List<String> tasks = new ArrayList<>();

  @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT", converter = PlanFormat.Converter.class,
      description = "text, json or dot (default: ${DEFAULT-VALUE}).")
  PlanFormat format;

  @Option(names = "--assume-engine", defaultValue = "docker-20.10", paramLabel = "ENGINE",
      description = "Plan for docker-20.10 or latest (default: ${DEFAULT-VALUE}).",
      converter = AssumedEngine.Converter.class)
  AssumedEngine engine;

  @Option(names = "--explain", description = "Say which steps will run again and why, compared with the last"
      + " successful run on this machine (plans on the engine, to resolve images as a run does).")
  boolean explain;

  @Mixin EngineOptions engineOptions;

  /** Tests replace this; by default the evaluator with this command's --param/--params-file. */
  PipelineLoader loader;

  @Override
  public Integer call() {
    Path file = pipelineOptions.file();
    PipelineOptions.Loaded loaded = pipelineOptions.load(file, loader);
    Pipeline pipeline = loaded.pipeline();
    Set<Path> inputs = loaded.inputs();
    Set<Path> kilnFiles = loaded.kilnFiles();
    Path project = file.toAbsolutePath().getParent();
    List<String> requested = affected.select(pipeline, pipeline.requested(tasks), project, inputs, explain,
        spec.commandLine().getOut());
    if (affected.ref != null && requested.isEmpty()) {
      spec.commandLine().getErr().println("kiln: no task is affected by what changed since " + affected.ref);
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
    if (explain) {
      try (Executor executor = engineOptions.executor(project).setProjectRoot(project).setKilnFiles(kilnFiles).build()) {
        RunHistory.explain(project, executor.plan(pipeline, requested), spec.commandLine().getOut(),
            w -> spec.commandLine().getErr().println("warning: " + w));
      } catch (IOException e) {
        throw new PlanException("cannot explain: " + e.getMessage(), "check the engine and the project's .kiln/");
      }
      return ExitCodes.OK;
    }
    PlannerBuilder builder = PlannerBuilder.preconfigured().setEngineCapabilities(
        engine == AssumedEngine.LATEST ? EngineCapabilities.latest() : EngineCapabilities.dockerV20_10());
    IgnoreFiles.of(pipeline, project, kilnFiles).forEach(builder::addIgnoreFile);
    IgnoreFiles.ofDockerfiles(pipeline, project).forEach(builder::addDockerfileIgnoreFile);
    Plan plan = builder.build().plan(pipeline, requested);
    spec.commandLine().getOut().print(format.render(plan));
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
