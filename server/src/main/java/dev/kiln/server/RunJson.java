package dev.kiln.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/** Runs, tasks and log lines as the API's JSON (and {@code kiln runs --format json}). */
public final class RunJson {
  static final ObjectMapper JSON = new ObjectMapper();

  private RunJson() {}

  /** One run. */
  public static ObjectNode run(RunRecord r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", r.id());
    n.put("source", r.source());
    n.put("delivery", r.delivery());
    n.put("event", r.event());
    n.put("branch", r.branch());
    n.put("commit", r.commit());
    n.put("pullRequest", r.pullRequest());
    n.put("trigger", r.trigger());
    r.tasks().forEach(n.putArray("tasks")::add);
    ObjectNode params = n.putObject("params");
    r.params().forEach(params::put);
    n.put("status", r.status().label());
    n.put("exitCode", r.exitCode());
    n.put("message", r.message());
    n.put("queuedAt", time(r.queuedAt()));
    n.put("startedAt", time(r.startedAt()));
    n.put("finishedAt", time(r.finishedAt()));
    r.duration().ifPresent(d -> n.put("durationMs", d.toMillis()));
    return n;
  }

  /** Runs, in the order given. */
  public static ArrayNode runs(List<RunRecord> runs) {
    ArrayNode a = JSON.createArrayNode();
    runs.forEach(r -> a.add(run(r)));
    return a;
  }

  static ArrayNode tasks(List<TaskRecord> tasks) {
    ArrayNode a = JSON.createArrayNode();
    for (TaskRecord t : tasks) {
      ObjectNode n = a.addObject();
      n.put("name", t.name());
      n.put("status", t.status());
      n.put("startedAt", time(t.startedAt()));
      n.put("finishedAt", time(t.finishedAt()));
      n.put("durationMs", t.durationMs());
      n.put("steps", t.steps());
      n.put("cachedSteps", t.cachedSteps());
      n.put("exitCode", t.exitCode());
      n.put("error", t.error());
      t.dependsOn().forEach(n.putArray("dependsOn")::add);
    }
    return a;
  }

  static ArrayNode cacheHits(List<CacheHits> runs) {
    ArrayNode a = JSON.createArrayNode();
    for (CacheHits r : runs) {
      a.addObject().put("run", r.runId()).put("finishedAt", time(r.finishedAt())).put("steps", r.steps())
          .put("cached", r.cached()).put("rate", r.rate());
    }
    return a;
  }

  static ObjectNode line(LogLine l) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", l.id());
    n.put("task", l.task());
    n.put("at", time(l.at()));
    n.put("line", l.line());
    return n;
  }

  private static String time(Instant t) {
    return t == null ? null : t.toString();
  }
}
