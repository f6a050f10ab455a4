package dev.kiln.executor;

import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.planner.llb.Definition;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Progress for GitHub Actions: each task's plain output is collected and printed as one log group
 * when the task ends (groups cannot interleave, and tasks run in parallel), and a failed task
 * becomes an error annotation. It escapes text as it gets it: wrap it in a {@link MaskingListener}.
 */
public final class GithubActionsProgress implements PlanRunner.Listener {
  private final PrintWriter out;
  private final Map<String, StringWriter> buffers = new ConcurrentHashMap<>();
  private final Map<String, PlainProgress> printers = new ConcurrentHashMap<>();

  public GithubActionsProgress(PrintWriter out) {
    this.out = out;
  }

  private PlainProgress printer(String task) {
    return printers.computeIfAbsent(task, t -> {
      StringWriter buf = new StringWriter();
      buffers.put(t, buf);
      return new PlainProgress(new PrintWriter(buf));
    });
  }

  @Override
  public void taskStarted(String task) {
    printer(task).taskStarted(task);
  }

  @Override
  public void status(String task, Definition definition, StatusResponse update) {
    printer(task).status(task, definition, update);
  }

  @Override
  public void functionLog(String task, String line) {
    printer(task).functionLog(task, line);
  }

  @Override
  public void warning(String task, String message) {
    printer(task).warning(task, message);
  }

  @Override
  public void published(String task, PublishedImage image) {
    printer(task).published(task, image);
  }

  @Override
  public synchronized void taskFinished(TaskOutcome o) {
    printer(o.task()).taskFinished(o);
    String how = switch (o.status()) {
      case SUCCEEDED -> o.cached() ? "CACHED" : "DONE";
      default -> o.status().name();
    };
    out.println("::group::" + escapeData(o.task() + " (" + how + String.format(Locale.ROOT, " %.1fs)",
        o.duration().toMillis() / 1000.0)));
    out.print(buffers.get(o.task()).toString());
    out.println("::endgroup::");
    o.published().forEach(image -> out.println("::notice title=" + escapeProperty("Task " + o.task() + " published")
        + "::" + escapeData(image.pinned())));
    o.failure().ifPresent(f -> out.println("::error title=" + escapeProperty("Task " + o.task() + " failed") + "::"
        + escapeData(f.getMessage() + (f.logTail().isEmpty() ? "" : "\n" + String.join("\n", f.logTail())))));
    out.flush();
  }

  /** Workflow-command data: {@code %}, CR and LF are escaped. */
  static String escapeData(String s) {
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
  }

  /** Workflow-command property values also escape {@code :} and {@code ,}. */
  static String escapeProperty(String s) {
    return escapeData(s).replace(":", "%3A").replace(",", "%2C");
  }
}
