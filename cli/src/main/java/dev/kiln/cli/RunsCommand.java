package dev.kiln.cli;

import dev.kiln.server.RunJson;
import dev.kiln.server.RunRecord;
import dev.kiln.server.RunStatus;
import dev.kiln.server.RunStore;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kiln runs}: the runs {@code kiln serve} recorded, newest first. */
@Command(name = "runs", description = "List the runs of kiln serve's history, newest first.",
    footerHeading = Kiln.EXAMPLES,
    footer = {
      "  # the last 20 runs kiln serve recorded in ./.kiln/serve",
      "  kiln runs",
      "  # the failed runs of main, as JSON",
      "  kiln runs --branch main --status failed --format json"
    })
final class RunsCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
      .withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;

  @Mixin HistoryOptions history;

  @Option(names = "--branch", paramLabel = "BRANCH", description = "Only the runs of this branch.")
  String branch;

  @Option(names = "--status", paramLabel = "STATUS",
      description = "Only runs with this status: queued, running, succeeded, failed, cancelled, skipped, error, interrupted.")
  String status;

  @Option(names = {"-n", "--limit"}, defaultValue = "20", paramLabel = "N", description = "At most N runs (default: ${DEFAULT-VALUE}).")
  int limit;

  @Mixin FormatOption format;

  @Override
  public Integer call() throws Exception {
    RunStatus wanted;
    try {
      wanted = status == null ? null : RunStatus.of(status);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "unknown status " + status);
    }
    List<RunRecord> runs;
    try (RunStore store = history.open(true)) {
      runs = store.runs(branch, wanted, Math.max(1, limit));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (format.json()) {
      out.println(RunJson.runs(runs).toPrettyString());
    } else {
      out.printf(Locale.ROOT, "%-6s %-11s %-12s %-20s %-12s %-19s %s%n", "RUN", "STATUS", "EVENT", "BRANCH", "COMMIT",
          "QUEUED (UTC)", "DURATION");
      for (RunRecord r : runs) {
        out.printf(Locale.ROOT, "%-6s %-11s %-12s %-20s %-12s %-19s %s%n", r.id(), r.status().label(), r.event(),
            r.branch(), r.commit() == null ? "" : r.commit().substring(0, 12), TIME.format(r.queuedAt()),
            r.duration().map(d -> String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0)).orElse(""));
      }
    }
    out.flush();
    return ExitCodes.OK;
  }
}
