package dev.kiln.executor.trace;

import com.google.protobuf.Timestamp;
import dev.kiln.executor.PlanRunner;
import dev.kiln.executor.RunReport;
import dev.kiln.executor.TaskOutcome;
import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.executor.proto.control.Vertex;
import dev.kiln.planner.llb.Definition;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A run as spans: the run, each task below it (its status, its error), each step of a task below the
 * task (the engine's name for it, cached or not, its planned digest), timed by the engine's own
 * start and completion times. It hears what every listener hears, masked.
 */
final class RunTrace implements PlanRunner.Listener {
  private final Tracer tracer;
  private final Span run;
  private final Map<String, Span> tasks = new ConcurrentHashMap<>();
  /** Steps started and not yet completed, by task and engine digest. */
  private final Map<String, Instant> started = new ConcurrentHashMap<>();
  private final Map<String, Boolean> ended = new ConcurrentHashMap<>();

  RunTrace(Tracer tracer, String name, Map<String, String> attributes) {
    this.tracer = tracer;
    SpanBuilder b = tracer.spanBuilder(name).setNoParent();
    attributes.forEach(b::setAttribute);
    this.run = b.startSpan();
  }

  @Override
  public void taskStarted(String task) {
    task(task);
  }

  private Span task(String task) {
    return tasks.computeIfAbsent(task, t -> tracer.spanBuilder(t).setParent(Context.root().with(run))
        .setAttribute("kiln.task", t).startSpan());
  }

  @Override
  public void status(String task, Definition definition, StatusResponse update) {
    for (Vertex v : update.getVertexesList()) {
      String key = task + "\u0000" + v.getDigest();
      if (v.hasStarted()) {
        started.putIfAbsent(key, instant(v.getStarted()));
      }
      if (!v.hasCompleted() || ended.putIfAbsent(key, true) != null) {
        continue;
      }
      Instant end = instant(v.getCompleted());
      Instant start = started.getOrDefault(key, end);
      Span step = tracer.spanBuilder(v.getName().isEmpty() ? v.getDigest() : v.getName())
          .setParent(Context.root().with(task(task))).setStartTimestamp(start).setAttribute("kiln.task", task)
          .setAttribute("kiln.step.digest", definition.plannedDigest(v.getDigest()))
          .setAttribute("kiln.step.cached", v.getCached()).startSpan();
      if (!v.getError().isEmpty()) {
        step.setStatus(StatusCode.ERROR, v.getError());
      }
      step.end(end.isBefore(start) ? start : end);
    }
  }

  @Override
  public Optional<String> traceParent(String task) {
    Map<String, String> carrier = new HashMap<>();
    W3CTraceContextPropagator.getInstance().inject(Context.root().with(task(task)), carrier, Map::put);
    return Optional.ofNullable(carrier.get("traceparent"));
  }

  @Override
  public void taskFinished(TaskOutcome outcome) {
    Span span = task(outcome.task());
    span.setAttribute("kiln.task.status", outcome.status().name().toLowerCase(Locale.ROOT));
    outcome.failure().ifPresent(f -> span.setStatus(StatusCode.ERROR, String.valueOf(f.getMessage())));
    span.end();
  }

  @Override
  public void runFinished(RunReport report) {
    run.setAttribute("kiln.run.succeeded", report.succeeded());
    if (!report.succeeded()) {
      run.setStatus(StatusCode.ERROR, report.interrupted() ? "interrupted" : report.failures().size() + " failed");
    }
    run.end();
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
