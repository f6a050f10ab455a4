package dev.kiln.executor;

import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.executor.proto.control.Vertex;
import dev.kiln.planner.llb.Definition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A run as Markdown for a CI job's summary page (GitHub Actions' {@code $GITHUB_STEP_SUMMARY}): a
 * table of the tasks with how they ended, how long they took and how many of their steps came from
 * the cache, the tasks' results, each failure with its last lines, and why steps ran again. It
 * counts steps as it hears of them: wrap it in a {@link MaskingListener} like any output.
 */
public final class StepSummary implements PlanRunner.Listener {
  private final String title;
  private final String explanation;
  private final Map<String, Set<String>> steps = new HashMap<>();
  private final Map<String, Set<String>> cached = new HashMap<>();
  private RunReport report;

  /**
   * @param title what ran (the project's name)
   * @param explanation what {@code --explain} said before the run, or empty
   */
  public StepSummary(String title, String explanation) {
    this.title = title;
    this.explanation = explanation;
  }

  @Override
  public synchronized void status(String task, Definition definition, StatusResponse update) {
    for (Vertex v : update.getVertexesList()) {
      if (v.getCached() || v.hasCompleted()) {
        steps.computeIfAbsent(task, t -> new HashSet<>()).add(v.getDigest());
      }
      if (v.getCached()) {
        cached.computeIfAbsent(task, t -> new HashSet<>()).add(v.getDigest());
      }
    }
  }

  @Override
  public synchronized void runFinished(RunReport report) {
    this.report = report;
  }

  /** Appends the summary to {@code file} (other steps of the job write theirs there too). */
  public void appendTo(Path file) throws IOException {
    Files.writeString(file, markdown(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** The summary; empty when the run never finished. */
  synchronized String markdown() {
    if (report == null) {
      return "";
    }
    StringBuilder md = new StringBuilder();
    md.append("### Kiln: ").append(cell(title)).append(report.succeeded() ? " succeeded" : " FAILED")
        .append(report.interrupted() ? " (interrupted)" : "").append("\n\n");
    md.append("| Task | Result | Time | Steps |\n| --- | --- | ---: | ---: |\n");
    for (TaskOutcome o : report.tasks()) {
      int all = steps.getOrDefault(o.task(), Set.of()).size();
      int fromCache = cached.getOrDefault(o.task(), Set.of()).size();
      md.append("| ").append(cell(o.task())).append(" | ").append(result(o)).append(" | ")
          .append(o.duration().isZero() ? "" : String.format(Locale.ROOT, "%.1f s", o.duration().toMillis() / 1000.0))
          .append(" | ").append(all == 0 ? "" : all + " (" + fromCache + " cached)").append(" |\n");
    }
    StringBuilder results = new StringBuilder();
    for (TaskOutcome o : report.tasks()) {
      o.results().forEach((name, value) -> results.append("- ").append(cell(o.task())).append(": `")
          .append(cell(name)).append("` = ").append(code(value.strip())).append('\n'));
    }
    if (!results.isEmpty()) {
      md.append("\n#### Results\n\n").append(results);
    }
    for (TaskOutcome o : report.failures()) {
      SolveException f = o.error();
      md.append("\n<details><summary>Task ").append(cell(o.task())).append(" failed: ")
          .append(cell(f.getMessage())).append("</summary>\n\n");
      if (!f.logTail().isEmpty()) {
        md.append(block(String.join("\n", f.logTail())));
      }
      md.append("</details>\n");
    }
    if (!explanation.isBlank()) {
      md.append("\n<details><summary>Why steps ran again (--explain)</summary>\n\n").append(block(explanation))
          .append("</details>\n");
    }
    return md.append('\n').toString();
  }

  private static String result(TaskOutcome o) {
    return switch (o.status()) {
      case SUCCEEDED -> o.cached() ? "cached" : "done";
      case FAILED -> "**failed**";
      case CANCELLED -> "cancelled";
      case SKIPPED -> "skipped";
    } + (o.reason().isEmpty() ? "" : ": " + cell(o.reason()));
  }

  /** Text for a table cell or a line: no colours, no HTML, no cell break, one line. */
  static String cell(String text) {
    return OutputText.plain(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("|", "\\|").replace("\n", " ");
  }

  /** Inline code that holds any backticks the value has. */
  private static String code(String value) {
    String fence = "`".repeat(longestRun(value, '`') + 1);
    return fence + " " + OutputText.plain(value).replace("\n", " ") + " " + fence;
  }

  /** A fenced block its text cannot close. */
  private static String block(String text) {
    String fence = "`".repeat(Math.max(3, longestRun(text, '`') + 1));
    return fence + "\n" + OutputText.plain(text).stripTrailing() + "\n" + fence + "\n\n";
  }

  private static int longestRun(String s, char c) {
    int longest = 0;
    int run = 0;
    for (int i = 0; i < s.length(); i++) {
      run = s.charAt(i) == c ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    return longest;
  }
}
