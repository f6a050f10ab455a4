package dev.kiln.executor;

import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.executor.proto.control.Vertex;
import dev.kiln.executor.proto.control.VertexLog;
import dev.kiln.planner.llb.Definition;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Progress as plain lines, like {@code docker buildx --progress plain}: each step gets a number;
 * its start, its output lines, and how it ended ({@code CACHED}, {@code DONE 1.2s}, {@code ERROR}),
 * prefixed with the task's name. For logs and CI. It prints text as it gets it: wrap it in a
 * {@link MaskingListener}.
 */
public final class PlainProgress implements PlanRunner.Listener {
  private final PrintWriter out;
  private final Map<String, Integer> numbers = new HashMap<>();
  private final Map<String, Boolean> finished = new HashMap<>();
  /** When each step printed DONE completed: BuildKit v0.8 says a local source is done, then syncs it. */
  private final Map<String, Long> doneAt = new HashMap<>();
  private final Map<String, StringBuilder> partial = new HashMap<>();

  public PlainProgress(PrintWriter out) {
    this.out = out;
  }

  @Override
  public synchronized void taskStarted(String task) {
    print("[" + task + "] started");
  }

  @Override
  public synchronized void engine(String task, String engine) {
    print("[" + task + "] on engine " + engine);
  }

  @Override
  public synchronized void status(String task, Definition definition, StatusResponse update) {
    for (Vertex v : update.getVertexesList()) {
      String key = task + " " + definition.plannedDigest(v.getDigest());
      boolean isNew = !numbers.containsKey(key);
      int n = numbers.computeIfAbsent(key, k -> numbers.size() + 1);
      if (Boolean.TRUE.equals(finished.get(key))) {
        continue;
      }
      String prefix = "[" + task + "] #" + n + " ";
      if (v.getCached()) {
        print(prefix + "CACHED " + v.getName());
        finished.put(key, true);
      } else if (!v.getError().isEmpty() && v.getName().startsWith("importing cache manifest from ")
          && v.getError().endsWith("not found")) {
        // A remote cache that does not exist yet (a first run, a new task) is not a failure.
        print(prefix + "NO CACHE " + v.getName().substring("importing cache manifest from ".length())
            + " (not found: nothing to import yet)");
        finished.put(key, true);
      } else if (!v.getError().isEmpty()) {
        print(prefix + (v.getError().contains("context canceled") ? "CANCELED " : "ERROR ") + v.getName()
            + ": " + v.getError());
        finished.put(key, true);
      } else if (v.hasCompleted()) {
        long completed = toMillis(v.getCompleted());
        if (!Long.valueOf(completed).equals(doneAt.put(key, completed))) {
          double secs = v.hasStarted() ? (completed - toMillis(v.getStarted())) / 1000.0 : 0;
          print(prefix + "DONE " + String.format(Locale.ROOT, "%.1fs", secs) + " " + v.getName());
        }
      } else if (isNew || v.hasStarted()) {
        if (isNew) {
          print(prefix + v.getName());
        }
      }
    }
    for (VertexLog log : update.getLogsList()) {
      String key = task + " " + definition.plannedDigest(log.getVertex());
      int n = numbers.computeIfAbsent(key, k -> numbers.size() + 1);
      StringBuilder sb = partial.computeIfAbsent(key, k -> new StringBuilder());
      sb.append(log.getMsg().toString(StandardCharsets.UTF_8));
      int nl;
      while ((nl = sb.indexOf("\n")) >= 0) {
        print("[" + task + "] #" + n + " " + sb.substring(0, nl));
        sb.delete(0, nl + 1);
      }
    }
  }

  @Override
  public synchronized void functionLog(String task, String line) {
    print("[" + task + "] " + line);
  }

  @Override
  public synchronized void exported(String task, String destination) {
    print("[" + task + "] exported " + destination);
  }

  @Override
  public synchronized void warning(String task, String message) {
    print("[" + task + "] warning: " + message);
  }

  @Override
  public synchronized void serviceReady(String task, String service, String address, Duration took) {
    print("[" + task + "] service " + service + " healthy at " + address + " after " + took.toMillis() + " ms");
  }

  @Override
  public synchronized void published(String task, PublishedImage image) {
    print("[" + task + "] published " + image.pinned());
  }

  @Override
  public synchronized void taskFinished(TaskOutcome outcome) {
    String how = switch (outcome.status()) {
      case SUCCEEDED -> (outcome.cached() ? "CACHED" : "DONE") + String.format(Locale.ROOT, " %.1fs",
          outcome.duration().toMillis() / 1000.0);
      case FAILED -> "FAILED";
      case CANCELLED -> "CANCELLED" + (outcome.duration().isZero() ? "" : String.format(Locale.ROOT,
          " after %.1fs", outcome.duration().toMillis() / 1000.0));
      case SKIPPED -> "SKIPPED";
    } + (outcome.reason().isEmpty() ? "" : " (" + outcome.reason() + ")");
    print("[" + outcome.task() + "] " + how);
    outcome.results().forEach((name, value) ->
        print("[" + outcome.task() + "] result " + name + " = " + value.strip().replace("\n", "\\n")));
  }

  private static long toMillis(com.google.protobuf.Timestamp t) {
    return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
  }

  private void print(String line) {
    out.println(line);
    out.flush();
  }
}
