package dev.kiln.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.planner.Plan;
import dev.kiln.planner.PlannedCall;
import dev.kiln.planner.PlannedOp;
import dev.kiln.planner.PlannedTarget;
import dev.kiln.planner.PlannedTask;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The JSON form of a plan: full digests, every op, in plan order. */
final class PlanJson {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private PlanJson() {}

  static String render(Plan plan) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode engine = root.putObject("engine");
    engine.put("name", plan.engine().engine());
    engine.put("version", plan.engine().version());
    engine.put("buildkitVersion", plan.engine().buildkitVersion());
    strings(root.putArray("notes"), plan.notes());
    strings(root.putArray("sharedDigests"), plan.sharedDigests());
    ArrayNode tasks = root.putArray("tasks");
    for (PlannedTask task : plan.tasks()) {
      ObjectNode t = tasks.addObject();
      t.put("name", task.name());
      t.put("description", task.description());
      t.put("requested", task.requested());
      strings(t.putArray("dependsOn"), task.dependsOn());
      strings(t.putArray("cacheVolumes"), task.cacheVolumes());
      strings(t.putArray("secrets"), task.secrets());
      strings(t.putArray("results"), task.results());
      task.limits().maybeTimeout().ifPresent(timeout -> t.put("timeoutSeconds", timeout.toMillis() / 1000.0));
      if (task.limits().retries() > 0) {
        t.put("retries", task.limits().retries());
        t.put("retryAfterTimeout", task.limits().retryAfterTimeout());
      }
      if (task.call() != null) {
        ObjectNode call = t.putObject("call");
        call.put("function", task.call().function());
        ObjectNode args = call.putObject("args");
        task.call().args().forEach((name, value) -> args.set(name, json(value)));
      }
      ArrayNode targets = t.putArray("targets");
      for (PlannedTarget target : task.targets()) {
        ObjectNode g = targets.addObject();
        g.put("kind", target.kind().name().toLowerCase(Locale.ROOT));
        if (!target.path().isEmpty()) {
          g.put("path", target.path());
        }
        if (!target.destination().isEmpty()) {
          g.put("destination", target.destination());
        }
        g.put("result", target.definition().resultDigest());
        if (target.kind() == PlannedTarget.Kind.PUBLISH) {
          ObjectNode image = g.putObject("image");
          strings(image.putArray("env"), target.image().env());
          image.put("workingDir", target.image().workingDir());
          image.put("user", target.image().user());
          strings(image.putArray("entrypoint"), target.image().entrypoint());
          strings(image.putArray("cmd"), target.image().cmd());
        }
        strings(g.putArray("caps"), target.definition().caps());
        ArrayNode ops = g.putArray("ops");
        for (PlannedOp op : PlannedOp.of(target.definition())) {
          ObjectNode o = ops.addObject();
          o.put("digest", op.digest());
          o.put("kind", op.kind());
          if (!op.name().isEmpty()) {
            o.put("name", op.name());
          }
          o.put("summary", op.summary());
          strings(o.putArray("inputs"), op.inputs());
        }
      }
    }
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings always serialises", e);
    }
  }

  /** An argument: plain values as JSON, inputs as {"input": param}, secrets as {"secret": name} (never a value). */
  private static com.fasterxml.jackson.databind.JsonNode json(Object value) {
    if (value instanceof PlannedCall.Input in) {
      ObjectNode o = JSON.createObjectNode();
      o.put(in.directory() ? "directory" : "file", "input " + in.param());
      return o;
    }
    if (value instanceof PlannedCall.SecretArg s) {
      return JSON.createObjectNode().put("secret", s.name());
    }
    if (value instanceof List<?> l) {
      ArrayNode a = JSON.createArrayNode();
      l.forEach(e -> a.add(json(e)));
      return a;
    }
    if (value instanceof Map<?, ?> m) {
      ObjectNode o = JSON.createObjectNode();
      new TreeMap<>(m).forEach((k, v) -> o.set(String.valueOf(k), json(v)));
      return o;
    }
    return JSON.valueToTree(value);
  }

  private static void strings(ArrayNode array, Collection<String> values) {
    values.forEach(array::add);
  }
}
