package dev.kiln.cli;

import dev.kiln.executor.Executor;
import dev.kiln.executor.PlainProgress;
import dev.kiln.executor.RunReport;
import dev.kiln.executor.SecretMasker;
import dev.kiln.executor.Terminal;
import dev.kiln.executor.secrets.SecretStore;
import dev.kiln.model.Pipeline;
import dev.kiln.planner.Plan;
import dev.kiln.planner.PlannedTask;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kiln shell TASK}: a shell in the container a task produces, after its last step. */
@Command(name = "shell", description = "Run the tasks TASK depends on, then TASK (cached steps are not run again), and"
    + " open a shell in the container it produces, with its last command's environment, working directory, user and"
    + " mounts (cache volumes, secrets as files, directories). Needs a terminal.",
    footerHeading = Kiln.EXAMPLES,
    footer = {
      "  # look around what the task `build` made",
      "  kiln shell build",
      "  # the same for a task of another pipeline, with a parameter",
      "  kiln shell -f ci/pipeline.pkl -p version=1.2.0 test"
    })
final class ShellCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin EngineOptions engineOptions;

  @Mixin PipelineOptions pipelineOptions;

  @Parameters(paramLabel = "TASK", description = "The task whose container to open.")
  String task;

  @Override
  public Integer call() throws Exception {
    Terminal terminal = RunCommand.terminal(spec);
    Path file = pipelineOptions.file();
    Pipeline pipeline = pipelineOptions.load(file, null).pipeline();
    Path project = file.toAbsolutePath().getParent();
    List<String> requested = pipeline.requested(List.of(task));
    try (Executor executor = engineOptions.executor().setProjectRoot(project)
        .setFunctions(pipelineOptions::functions).build()) {
      Plan plan = executor.plan(pipeline, requested);
      SecretStore secrets = new SecretStore(RunCommand.secretSources(pipeline, plan, pipelineOptions, project, file),
          System.getenv(), project);
      PrintWriter err = spec.commandLine().getErr();
      SecretMasker masker = SecretMasker.of(secrets.resolveAll());
      // What the task reads of its dependencies (their results and exports on the host) is there first.
      List<PlannedTask> upstream = plan.tasks().stream().filter(t -> !t.name().equals(task)).toList();
      if (!upstream.isEmpty()) {
        err.println("kiln: running what task " + task + " depends on first: "
            + String.join(", ", upstream.stream().map(PlannedTask::name).toList()));
        RunReport report = executor.run(new Plan(upstream, plan.engine(), plan.notes(), plan.stepLocations()),
            secrets, masker, new PlainProgress(err));
        if (!report.succeeded()) {
          RunCommand.printSummary(report, err, masker);
          return report.interrupted() ? ExitCodes.INTERRUPTED : ExitCodes.TASK_FAILED;
        }
      }
      err.println("kiln: running task " + task + ", then a shell in its container; exit the shell to return");
      return executor.shell(plan, task, secrets, masker, new PlainProgress(err), terminal);
    }
  }
}
