package dev.kiln.executor;

import com.google.protobuf.ByteString;
import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.executor.proto.control.Vertex;
import dev.kiln.executor.proto.control.VertexLog;
import dev.kiln.executor.proto.control.VertexStatus;
import dev.kiln.executor.proto.control.VertexWarning;
import dev.kiln.planner.Plan;
import dev.kiln.planner.llb.Definition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Masks secrets in everything a run reports and neutralises terminal and CI control sequences
 * ({@link OutputText}), before the listener it wraps sees it: the one place output is made safe, so that every output mode gets raw text already masked and encodes it after
 * (JSON, workflow commands, a terminal line clipped to its width). Step output is passed on as
 * whole lines ({@link LogLines}), the last unfinished one when its step ends; step names and
 * errors, function logs, results and failures (message, command, last lines) are masked too.
 */
public final class MaskingListener implements PlanRunner.Listener {
  private final SecretMasker masker;
  private final OutputText text;
  private final PlanRunner.Listener delegate;
  /** The unfinished line of each task's step and stream. */
  private final Map<Stream, LogLines> streams = new HashMap<>();
  private final Map<String, Definition> definitions = new HashMap<>();

  private record Stream(String task, String vertex, long stream) {}

  public MaskingListener(SecretMasker masker, PlanRunner.Listener delegate) {
    this.masker = masker;
    this.text = OutputText.of(masker);
    this.delegate = delegate;
  }

  @Override
  public void runStarted(Plan plan) {
    delegate.runStarted(plan);
  }

  @Override
  public void taskStarted(String task) {
    delegate.taskStarted(task);
  }

  @Override
  public void exported(String task, String destination) {
    delegate.exported(task, text.apply(destination));
  }

  @Override
  public void status(String task, Definition definition, StatusResponse update) {
    StatusResponse masked;
    synchronized (this) {
      definitions.put(task, definition);
      StatusResponse.Builder b = StatusResponse.newBuilder();
      for (Vertex v : update.getVertexesList()) {
        b.addVertexes(v.toBuilder().setName(text.apply(v.getName())).setError(text.apply(v.getError())));
      }
      for (VertexStatus s : update.getStatusesList()) {
        b.addStatuses(s.toBuilder().setID(text.apply(s.getID())).setName(text.apply(s.getName())));
      }
      for (VertexLog log : update.getLogsList()) {
        LogLines lines = streams.computeIfAbsent(new Stream(task, log.getVertex(), log.getStream()),
            k -> new LogLines(masker));
        for (String line : lines.add(log.getMsg().toByteArray())) {
          b.addLogs(log.toBuilder().setMsg(bytes(text.masked(line))));
        }
      }
      for (Vertex v : update.getVertexesList()) {
        if (v.hasCompleted() || !v.getError().isEmpty()) {
          flush(task, v.getDigest(), b);
        }
      }
      for (VertexWarning w : update.getWarningsList()) {
        VertexWarning.Builder wb = w.toBuilder().setShort(bytes(text.apply(w.getShort().toStringUtf8())))
            .clearDetail();
        w.getDetailList().forEach(d -> wb.addDetail(bytes(text.apply(d.toStringUtf8()))));
        b.addWarnings(wb);
      }
      masked = b.build();
    }
    delegate.status(task, definition, masked);
  }

  /** Adds the unfinished lines of {@code task}'s vertex (every vertex when null) to {@code b}. */
  private void flush(String task, String vertex, StatusResponse.Builder b) {
    for (Iterator<Map.Entry<Stream, LogLines>> it = streams.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Stream, LogLines> e = it.next();
      Stream s = e.getKey();
      if (s.task().equals(task) && (vertex == null || s.vertex().equals(vertex))) {
        String rest = e.getValue().flush();
        if (rest != null) {
          b.addLogs(VertexLog.newBuilder().setVertex(s.vertex()).setStream(s.stream())
              .setMsg(bytes(text.masked(rest))));
        }
        it.remove();
      }
    }
  }

  private static ByteString bytes(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  @Override
  public void functionLog(String task, String line) {
    delegate.functionLog(task, text.apply(line));
  }

  @Override
  public void engine(String task, String engine) {
    delegate.engine(task, engine);
  }

  @Override
  public void warning(String task, String message) {
    delegate.warning(task, text.apply(message));
  }

  @Override
  public void published(String task, PublishedImage image) {
    delegate.published(task, new PublishedImage(masker.apply(image.ref()), image.digest()));
  }

  @Override
  public void serviceReady(String task, String service, String address, Duration took) {
    delegate.serviceReady(task, service, address, took);
  }

  @Override
  public void taskFinished(TaskOutcome outcome) {
    StatusResponse rest = null;
    Definition definition;
    synchronized (this) {
      definition = definitions.remove(outcome.task());
      StatusResponse.Builder b = StatusResponse.newBuilder();
      flush(outcome.task(), null, b);
      if (b.getLogsCount() > 0 && definition != null) {
        rest = b.build();
      }
    }
    if (rest != null) {
      delegate.status(outcome.task(), definition, rest);
    }
    delegate.taskFinished(outcome.masked(text));
  }

  @Override
  public void runFinished(RunReport report) {
    delegate.runFinished(report.masked(text));
  }

  @Override
  public Optional<String> traceParent(String task) {
    return delegate.traceParent(task);
  }
}
