package dev.kiln.cli;

import dev.kiln.executor.TaskLogs;
import dev.kiln.server.LogLine;
import dev.kiln.server.RunRecord;
import dev.kiln.server.RunStore;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kiln logs [TASK...]}: the full output of tasks in the last run here, as kept in {@code
 * .kiln/logs/}; with {@code --run N}, of run N in {@code kiln serve}'s history. Masked when stored.
 */
@Command(name = "logs", description = "Show the full output of TASKs (all when none) in the last run here, or with"
    + " --run N in run N of kiln serve's history; secrets masked.",
    footerHeading = Kiln.EXAMPLES,
    footer = {
      "  # what the task `test` printed in the last run",
      "  kiln logs test",
      "  # every task's output in the last run of another pipeline",
      "  kiln logs -f ci/pipeline.pkl",
      "  # the lines of task test in run 12 of kiln serve's history",
      "  kiln logs --run 12 test"
    })
final class LogsCommand implements Callable<Integer> {
  /** Where {@code kiln run} keeps the logs, under the project's {@code .kiln/}. */
  static final String DIRECTORY = "logs";

  @Spec CommandSpec spec;

  @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "The pipeline (default: pipeline.pkl).")
  Path file = PipelineOptions.DEFAULT_FILE;

  @Option(names = "--run", paramLabel = "N", description = "A run of kiln serve's history (see kiln runs).")
  Long run;

  @Mixin HistoryOptions history;

  @Parameters(paramLabel = "TASK", arity = "0..*", description = "Tasks whose output to show (default: all).")
  List<String> tasks = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    return run != null ? recorded(run) : lastRun();
  }

  private int lastRun() throws IOException {
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

  private int recorded(long number) {
    if (tasks.size() > 1) {
      throw new ParameterException(spec.commandLine(), "--run shows one task's lines or all of them, not "
          + tasks.size() + " tasks");
    }
    String task = tasks.isEmpty() ? null : tasks.get(0);
    PrintWriter out = spec.commandLine().getOut();
    try (RunStore store = history.open(true)) {
      RunRecord record = store.run(number).orElseThrow(() -> new ParameterException(
          spec.commandLine(), "no run " + number + " in the history"));
      long after = 0;
      List<LogLine> lines;
      do {
        lines = store.logs(number, task, after, 1000);
        for (LogLine l : lines) {
          out.println(task != null || l.task().isEmpty() ? l.line() : "[" + l.task() + "] " + l.line());
          after = l.id();
        }
      } while (lines.size() == 1000);
      out.flush();
      spec.commandLine().getErr().println("run " + number + ": " + record.status().label()
          + (record.message() == null ? "" : " (" + record.message() + ")"));
    }
    return ExitCodes.OK;
  }
}
