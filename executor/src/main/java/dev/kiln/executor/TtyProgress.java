package dev.kiln.executor;

import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.executor.proto.control.Vertex;
import dev.kiln.planner.Plan;
import dev.kiln.planner.PlannedTask;
import dev.kiln.planner.llb.Definition;
import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A live view for terminals: one line per task, redrawn in place, with its state (running, CACHED,
 * DONE, ERROR...), its duration, and while it runs the step it is on and the last {@link #TAIL}
 * lines it printed under it; then one line listing the tasks still queued. A failed task's last
 * lines are printed in the summary, and {@code kiln logs} shows everything. It clips text as it
 * gets it: wrap it in a {@link MaskingListener}, so that a secret is masked before it can be cut.
 */
public final class TtyProgress implements PlanRunner.Listener {
  private static final String[] SPINNER = {"|", "/", "-", "\\"};
  /** How many of a running task's last lines are shown under it. */
  static final int TAIL = 3;

  private final PrintWriter out;
  private final int width;
  private final Map<String, Line> lines = new LinkedHashMap<>();
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "kiln-tty");
    t.setDaemon(true);
    return t;
  });
  private final List<String> warnings = new ArrayList<>();
  /** The fleet's engine each task ran on (its last, after a failover), for the summary under the view. */
  private final Map<String, String> engines = new java.util.TreeMap<>();
  private int drawn;
  private int frame;

  private static final class Line {
    final long started = System.nanoTime();
    String step = "";
    final Set<String> steps = new HashSet<>();
    final Set<String> cached = new HashSet<>();
    final ArrayDeque<String> tail = new ArrayDeque<>();
    TaskOutcome outcome;

    void printed(String text) {
      for (String line : OutputText.plain(text).replace('\t', ' ').split("\n")) {
        if (!line.isBlank()) {
          tail.addLast(line);
          if (tail.size() > TAIL) {
            tail.removeFirst();
          }
        }
      }
    }
  }

  /** The planned tasks, in plan order: those not started yet are listed as queued. */
  private List<String> planned = List.of();

  public TtyProgress(PrintWriter out, int width) {
    this.out = out;
    this.width = Math.max(40, width);
    ticker.scheduleAtFixedRate(this::redraw, 100, 150, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void runStarted(Plan plan) {
    planned = plan.tasks().stream().map(PlannedTask::name).toList();
  }

  @Override
  public synchronized void taskStarted(String task) {
    lines.put(task, new Line());
  }

  @Override
  public synchronized void status(String task, Definition definition, StatusResponse update) {
    Line l = lines.get(task);
    if (l == null) {
      return;
    }
    for (Vertex v : update.getVertexesList()) {
      if (v.hasCompleted() || v.getCached()) {
        l.steps.add(v.getDigest());
        if (v.getCached()) {
          l.cached.add(v.getDigest());
        }
      } else if (v.hasStarted()) {
        l.step = v.getName();
      }
    }
    update.getLogsList().forEach(log -> l.printed(log.getMsg().toStringUtf8()));
  }

  @Override
  public synchronized void functionLog(String task, String line) {
    Line l = lines.get(task);
    if (l != null) {
      l.step = line; // the function's latest word is what it is doing
      l.printed(line);
    }
  }

  @Override
  public synchronized void taskFinished(TaskOutcome outcome) {
    lines.computeIfAbsent(outcome.task(), t -> new Line()).outcome = outcome;
  }

  @Override
  public void runFinished(RunReport report) {
    ticker.shutdownNow();
    try {
      ticker.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    redraw();
    StringBuilder sb = new StringBuilder();
    for (TaskOutcome o : report.tasks()) {
      o.published().forEach(image -> sb.append(o.task()).append(": published ").append(image.pinned()).append('\n'));
      o.results().forEach((name, value) -> sb.append(o.task()).append(": ").append(name).append(" = ")
          .append(value.strip().replace("\n", "\\n")).append('\n'));
    }
    engines.forEach((task, engine) -> sb.append(task).append(": on engine ").append(engine).append('\n'));
    warnings.forEach(w -> sb.append(w).append('\n'));
    out.print(sb);
    out.flush();
  }

  @Override
  public synchronized void engine(String task, String engine) {
    engines.put(task, engine);
  }

  @Override
  public synchronized void warning(String task, String message) {
    warnings.add(task + ": warning: " + message); // printed under the view, which redraws in place
  }

  synchronized void redraw() {
    StringBuilder sb = new StringBuilder();
    if (drawn > 0) {
      sb.append("\033[").append(drawn).append('F'); // back to the first line drawn last time
    }
    frame++;
    int nameWidth = lines.keySet().stream().mapToInt(String::length).max().orElse(4);
    int rows = 0;
    for (Map.Entry<String, Line> e : lines.entrySet()) {
      sb.append("\033[2K").append(clip(render(e.getKey(), e.getValue(), nameWidth))).append('\n');
      rows++;
      if (e.getValue().outcome == null) {
        for (String line : e.getValue().tail) {
          sb.append("\033[2K").append(clip("    > " + line)).append('\n');
          rows++;
        }
      }
    }
    List<String> queued = planned.stream().filter(t -> !lines.containsKey(t)).toList();
    if (!queued.isEmpty()) {
      sb.append("\033[2K").append(clip("  queued (" + queued.size() + "): " + String.join(", ", queued))).append('\n');
      rows++;
    }
    // Rows drawn last time and not now (a tail that ended) are cleared.
    for (int extra = rows; extra < drawn; extra++) {
      sb.append("\033[2K\n");
      rows++;
    }
    drawn = rows;
    out.print(sb);
    out.flush();
  }

  private String render(String task, Line l, int nameWidth) {
    String name = String.format(Locale.ROOT, "%-" + nameWidth + "s", task);
    TaskOutcome o = l.outcome;
    if (o == null) {
      double secs = (System.nanoTime() - l.started) / 1e9;
      return SPINNER[frame % SPINNER.length] + " " + name + String.format(Locale.ROOT, " %6.1fs  ", secs) + l.step;
    }
    String secs = String.format(Locale.ROOT, " %6.1fs", o.duration().toMillis() / 1000.0);
    return switch (o.status()) {
      case SUCCEEDED -> (o.cached() ? "= " + name + secs + "  CACHED" : "+ " + name + secs + "  DONE")
          + (l.steps.isEmpty() ? "" : "  (" + l.steps.size() + " steps, " + l.cached.size() + " cached)");
      case FAILED -> "x " + name + secs + "  ERROR  " + (o.error() == null ? "" : o.error().getMessage());
      case CANCELLED -> "- " + name + secs + "  CANCELLED" + (o.reason().isEmpty() ? "" : " (" + o.reason() + ")");
      case SKIPPED -> "- " + name + "          SKIPPED" + (o.reason().isEmpty() ? "" : " (" + o.reason() + ")");
    };
  }

  private String clip(String s) {
    String flat = s.replace('\n', ' ');
    return flat.length() <= width ? flat : flat.substring(0, width - 1) + "…";
  }
}
