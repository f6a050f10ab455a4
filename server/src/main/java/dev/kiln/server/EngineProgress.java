package dev.kiln.server;

import dev.kiln.executor.PlainProgress;
import dev.kiln.executor.PlanRunner;
import dev.kiln.executor.RunReport;
import dev.kiln.executor.TaskOutcome;
import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.executor.proto.control.Vertex;
import dev.kiln.planner.llb.Definition;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hears a run on the engine and tells {@link RunEvents}: the output lines are those of {@code kiln
 * run --progress plain} ({@code [task] #3 DONE 0.4s ...}), each given to its task; steps are counted
 * by digest, cached or not. The executor masks secrets in everything a listener hears.
 */
final class EngineProgress implements PlanRunner.Listener {
  private static final Pattern TASK_LINE = Pattern.compile("\\[([a-z][a-z0-9-]*)] (.*)", Pattern.DOTALL);

  private final RunEvents events;
  private final PlainProgress lines;

  EngineProgress(RunEvents events) {
    this.events = events;
    this.lines = new PlainProgress(new PrintWriter(new LineWriter(), true));
  }

  @Override
  public void taskStarted(String task) {
    events.taskStarted(task);
    lines.taskStarted(task);
  }

  @Override
  public void status(String task, Definition definition, StatusResponse update) {
    for (Vertex v : update.getVertexesList()) {
      events.step(task, definition.plannedDigest(v.getDigest()), v.getCached(), v.hasCompleted());
    }
    lines.status(task, definition, update);
  }

  @Override
  public void functionLog(String task, String line) {
    lines.functionLog(task, line);
  }

  @Override
  public void taskFinished(TaskOutcome outcome) {
    lines.taskFinished(outcome);
    Integer exitCode = outcome.failure().flatMap(f -> f.exitCode().isPresent()
        ? Optional.of(f.exitCode().getAsInt()) : Optional.empty()).orElse(null);
    String error = outcome.failure().map(Throwable::getMessage).orElse(null);
    events.taskFinished(outcome.task(), outcome.status().name().toLowerCase(Locale.ROOT),
        outcome.duration().toMillis(), exitCode, error);
  }

  @Override
  public void runFinished(RunReport report) {
    lines.runFinished(report);
  }

  /** Splits what {@link PlainProgress} prints into lines and gives each to its task. */
  private final class LineWriter extends Writer {
    private final StringBuilder pending = new StringBuilder();

    @Override
    public synchronized void write(char[] buf, int off, int len) {
      pending.append(buf, off, len);
      int nl;
      while ((nl = pending.indexOf("\n")) >= 0) {
        String line = pending.substring(0, nl);
        pending.delete(0, nl + 1);
        Matcher m = TASK_LINE.matcher(line);
        if (m.matches()) {
          events.log(m.group(1), m.group(2));
        } else if (!line.isBlank()) {
          events.log("", line);
        }
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
