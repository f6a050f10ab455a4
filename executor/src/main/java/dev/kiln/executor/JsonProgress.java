package dev.kiln.executor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.executor.proto.control.Vertex;
import dev.kiln.executor.proto.control.VertexLog;
import dev.kiln.planner.llb.Definition;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;

/**
 * Progress as JSON lines for tools: {@code task-started}, {@code step} (digest as planned, name,
 * state), {@code log}, {@code warning}, {@code publish} (reference, digest, pinned reference) and
 * {@code task-finished} events, one object per line. It encodes text as it gets it: wrap it in a
 * {@link MaskingListener}, which masks the raw text first.
 */
public final class JsonProgress implements PlanRunner.Listener {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintWriter out;

  public JsonProgress(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void taskStarted(String task) {
    emit(event("task-started", task));
  }

  @Override
  public void status(String task, Definition definition, StatusResponse update) {
    for (Vertex v : update.getVertexesList()) {
      ObjectNode e = event("step", task);
      e.put("digest", definition.plannedDigest(v.getDigest()));
      e.put("name", v.getName());
      e.put("state", v.getCached() ? "cached" : !v.getError().isEmpty() ? "error"
          : v.hasCompleted() ? "done" : v.hasStarted() ? "running" : "waiting");
      if (!v.getError().isEmpty()) {
        e.put("error", v.getError());
      }
      if (v.hasStarted() && v.hasCompleted()) {
        e.put("durationMs", (v.getCompleted().getSeconds() - v.getStarted().getSeconds()) * 1000
            + (v.getCompleted().getNanos() - v.getStarted().getNanos()) / 1_000_000);
      }
      emit(e);
    }
    for (VertexLog log : update.getLogsList()) {
      ObjectNode e = event("log", task);
      e.put("digest", definition.plannedDigest(log.getVertex()));
      e.put("stream", log.getStream() == 2 ? "stderr" : "stdout");
      e.put("text", log.getMsg().toString(StandardCharsets.UTF_8));
      emit(e);
    }
  }

  @Override
  public void functionLog(String task, String line) {
    ObjectNode e = event("log", task);
    e.put("stream", "function");
    e.put("text", line + "\n");
    emit(e);
  }

  @Override
  public void warning(String task, String message) {
    ObjectNode e = event("warning", task);
    e.put("message", message);
    emit(e);
  }

  @Override
  public void published(String task, PublishedImage image) {
    ObjectNode e = event("publish", task);
    e.put("ref", image.ref());
    e.put("digest", image.digest());
    e.put("pinned", image.pinned());
    emit(e);
  }

  @Override
  public void taskFinished(TaskOutcome o) {
    ObjectNode e = event("task-finished", o.task());
    e.put("status", o.status().name().toLowerCase(Locale.ROOT));
    e.put("cached", o.cached());
    e.put("durationMs", o.duration().toMillis());
    if (!o.results().isEmpty()) {
      ObjectNode r = e.putObject("results");
      o.results().forEach(r::put);
    }
    o.failure().ifPresent(f -> {
      e.put("error", f.getMessage());
      f.exitCode().ifPresent(c -> e.put("exitCode", c));
    });
    emit(e);
  }

  private static ObjectNode event(String type, String task) {
    ObjectNode e = JSON.createObjectNode();
    e.put("event", type);
    e.put("task", task);
    e.put("time", Instant.now().toString());
    return e;
  }

  private synchronized void emit(ObjectNode e) {
    out.println(e.toString());
    out.flush();
  }
}
