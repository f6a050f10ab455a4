package dev.kiln.cli;

import dev.kiln.server.LogLine;
import dev.kiln.server.RunRecord;
import dev.kiln.server.RunStore;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kiln logs RUN [TASK]}: a recorded run's output (masked when it was stored). */
@Command(name = "logs", description = "Print the output of a run of kiln serve's history (of one task, when named).",
    footerHeading = Kiln.EXAMPLES,
    footer = {
      "  # everything run 12 printed, the server's own lines too",
      "  kiln logs 12",
      "  # only the lines of its task test",
      "  kiln logs 12 test"
    })
final class LogsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin HistoryOptions history;

  @Parameters(index = "0", paramLabel = "RUN", description = "The run's number (see kiln runs).")
  long run;

  @Parameters(index = "1", arity = "0..1", paramLabel = "TASK", description = "Only this task's lines.")
  String task;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (RunStore store = history.open(true)) {
      RunRecord record = store.run(run).orElseThrow(() -> new ParameterException(
          spec.commandLine(), "no run " + run + " in the history"));
      long after = 0;
      List<LogLine> lines;
      do {
        lines = store.logs(run, task, after, 1000);
        for (LogLine l : lines) {
          out.println(task != null || l.task().isEmpty() ? l.line() : "[" + l.task() + "] " + l.line());
          after = l.id();
        }
      } while (lines.size() == 1000);
      out.flush();
      spec.commandLine().getErr().println("run " + run + ": " + record.status().label()
          + (record.message() == null ? "" : " (" + record.message() + ")"));
    }
    return ExitCodes.OK;
  }
}
