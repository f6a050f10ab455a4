package dev.kiln.executor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.executor.proto.control.Vertex;
import dev.kiln.executor.proto.control.VertexLog;
import dev.kiln.planner.Plan;
import dev.kiln.planner.PlannedTask;
import dev.kiln.planner.llb.Definition;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Progress as JSON lines for tools, one object per line: {@code run-started} (with the format's
 * {@link #VERSION}), {@code task-started}, {@code step} (digest as planned, name, state), {@code
 * log}, {@code warning}, {@code engine} (the fleet's engine a task runs on), {@code export}, {@code publish} (reference, digest, pinned reference),
 * {@code task-finished} and {@code run-finished}; the README's
 * "JSON progress" section documents every field. It encodes text as it gets it: wrap it in a
 * {@link MaskingListener}, which masks the raw text first.
 */
public final class JsonProgress implements PlanRunner.Listener {
  /** The version of the events' format: fields may be added within a version, never removed or changed. */
  public static final int VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintWriter out;

  public JsonProgress(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void runStarted(Plan plan) {
    ObjectNode e = event("run-started", null);
    e.put("version", VERSION);
    ArrayNode tasks = e.putArray("tasks");
    for (PlannedTask t : plan.tasks()) {
      ObjectNode task = tasks.addObject();
      task.put("name", t.name());
      task.put("requested", t.requested());
      t.dependsOn().forEach(task.putArray("dependsOn")::add);
    }
    emit(e);
  }

  @Override
  public void exported(String task, String destination) {
    ObjectNode e = event("export", task);
    e.put("destination", destination);
    emit(e);
  }

  @Override
  public void runFinished(RunReport report) {
    ObjectNode e = event("run-finished", null);
    e.put("status", report.interrupted() ? "interrupted" : report.succeeded() ? "succeeded" : "failed");
    ObjectNode counts = e.putObject("tasks");
    for (TaskOutcome.Status status : TaskOutcome.Status.values()) {
      counts.put(status.name().toLowerCase(Locale.ROOT),
          report.tasks().stream().filter(t -> t.status() == status).count());
    }
    emit(e);
  }

  @Override
  public void taskStarted(String task) {
    emit(event("task-started", task));
  }

  @Override
  public void engine(String task, String engine) {
    ObjectNode e = event("engine", task);
    e.put("engine", engine);
    emit(e);
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
  public void serviceReady(String task, String service, String address, Duration took) {
    ObjectNode e = event("service", task);
    e.put("service", service);
    e.put("address", address);
    e.put("healthyAfterMs", took.toMillis());
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
    if (!o.reason().isEmpty()) {
      e.put("reason", o.reason());
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
    if (task != null) {
      e.put("task", task);
    }
    e.put("time", Instant.now().toString());
    return e;
  }

  private synchronized void emit(ObjectNode e) {
    out.println(e.toString());
    out.flush();
  }
}
