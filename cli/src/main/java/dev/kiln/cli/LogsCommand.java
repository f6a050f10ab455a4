package dev.kiln.cli;

import dev.kiln.executor.TaskLogs;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kiln logs [TASK...]}: the full output of tasks in the last run, as kept in {@code .kiln/logs/}. */
@Command(name = "logs", description = "Show the full output of TASKs (all when none) in the last run, secrets masked.",
    footerHeading = Kiln.EXAMPLES,
    footer = {
      "  # what the task `test` printed in the last run",
      "  kiln logs test",
      "  # every task's output in the last run of another pipeline",
      "  kiln logs -f ci/pipeline.pkl"
    })
final class LogsCommand implements Callable<Integer> {
  /** Where {@code kiln run} keeps the logs, under the project's {@code .kiln/}. */
  static final String DIRECTORY = "logs";

  @Spec CommandSpec spec;

  @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "The pipeline (default: pipeline.pkl).")
  Path file = PipelineOptions.DEFAULT_FILE;

  @Parameters(paramLabel = "TASK", arity = "0..*", description = "Tasks whose output to show (default: all).")
  List<String> tasks = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    Path project = file.toAbsolutePath().getParent();
    Map<String, Path> kept = StateDirectory.path(project, DIRECTORY).isPresent()
        ? TaskLogs.kept(StateDirectory.path(project, DIRECTORY).get()) : Map.of();
    for (String task : tasks) {
      if (!kept.containsKey(task)) {
        throw new ParameterException(spec.commandLine(), "no output of task `" + task + "` is kept from the last run"
            + (kept.isEmpty() ? " (no run kept any: `kiln run` keeps them)" : "; tasks with output: "
            + String.join(", ", kept.keySet())));
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    for (Map.Entry<String, Path> log : kept.entrySet()) {
      if (tasks.isEmpty() || tasks.contains(log.getKey())) {
        out.print(Files.readString(log.getValue(), StandardCharsets.UTF_8));
      }
    }
    out.flush();
    return ExitCodes.OK;
  }
}
