package dev.kiln.executor;

import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.planner.llb.Definition;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Progress for CI logs: plain lines as they come, each prefixed with its task (so a hung task
 * shows what it printed last), inside a collapsible group while only one task runs (groups cannot
 * interleave: another task's start or output ends the group, and the lines go on ungrouped), and a
 * failed task annotated as the CI system does. It prints text as it gets it: wrap it in a
 * {@link MaskingListener}, which also neutralises the workflow commands a step prints.
 */
public final class CiProgress implements PlanRunner.Listener {
  private final CiSystem system;
  private final PrintWriter out;
  private final PlainProgress lines;
  private final Clock clock;
  private final Set<String> running = new HashSet<>();
  /** The task whose group is open, or null. */
  private String grouped;

  public CiProgress(CiSystem system, PrintWriter out) {
    this(system, out, Clock.systemUTC());
  }

  CiProgress(CiSystem system, PrintWriter out, Clock clock) {
    this.system = system;
    this.out = out;
    this.lines = new PlainProgress(out);
    this.clock = clock;
  }

  @Override
  public synchronized void taskStarted(String task) {
    endGroup();
    if (running.isEmpty()) {
      grouped = task;
      print(system.groupStart(task, clock.instant().getEpochSecond()));
    }
    running.add(task);
    lines.taskStarted(task);
  }

  @Override
  public synchronized void status(String task, Definition definition, StatusResponse update) {
    from(task);
    lines.status(task, definition, update);
  }

  @Override
  public synchronized void functionLog(String task, String line) {
    from(task);
    lines.functionLog(task, line);
  }

  @Override
  public synchronized void exported(String task, String destination) {
    from(task);
    lines.exported(task, destination);
  }

  @Override
  public synchronized void engine(String task, String engine) {
    from(task);
    lines.engine(task, engine);
  }

  @Override
  public synchronized void warning(String task, String message) {
    from(task);
    lines.warning(task, message);
  }

  @Override
  public synchronized void serviceReady(String task, String service, String address, Duration took) {
    from(task);
    lines.serviceReady(task, service, address, took);
  }

  @Override
  public synchronized void published(String task, PublishedImage image) {
    from(task);
    lines.published(task, image);
  }

  @Override
  public synchronized void taskFinished(TaskOutcome o) {
    from(o.task());
    lines.taskFinished(o);
    if (system == CiSystem.GITHUB_ACTIONS) {
      o.published().forEach(image -> print("::notice title=" + CiSystem.escapeProperty("Task " + o.task()
          + " published") + "::" + CiSystem.escapeData(image.pinned())));
    }
    if (o.task().equals(grouped)) {
      endGroup();
    }
    running.remove(o.task());
    system.failure(o).ifPresent(this::print);
  }

  /** Output of {@code task} is next: a group of another task ends before it. */
  private void from(String task) {
    if (grouped != null && !grouped.equals(task)) {
      endGroup();
    }
  }

  private void endGroup() {
    if (grouped != null) {
      print(system.groupEnd(grouped, clock.instant().getEpochSecond()));
      grouped = null;
    }
  }

  private void print(String line) {
    out.println(line);
    out.flush();
  }
}
