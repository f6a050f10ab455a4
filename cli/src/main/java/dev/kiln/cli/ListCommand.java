package dev.kiln.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.model.Param;
import dev.kiln.model.Pipeline;
import dev.kiln.model.Task;
import dev.kiln.model.Trigger;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kiln list}: a pipeline's tasks with their descriptions, and its parameters. */
@Command(name = "list", description = "List the pipeline's tasks (with descriptions) and parameters.",
    footerHeading = Kiln.EXAMPLES,
    footer = {
      "  # the tasks and parameters of ./pipeline.pkl",
      "  kiln list",
      "  # of another pipeline, as JSON",
      "  kiln list -f ci/pipeline.pkl --format json"
    })
final class ListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin FormatOption format;

  @Mixin PipelineOptions options;

  @Override
  public Integer call() throws Exception {
    Path file = options.file();
    Pipeline pipeline = options.evaluator(file).evaluate(file);
    PrintWriter out = spec.commandLine().getOut();
    out.print(format.json() ? json(pipeline) : text(pipeline));
    out.flush();
    return ExitCodes.OK;
  }

  static String text(Pipeline pipeline) {
    StringBuilder out = new StringBuilder("tasks:\n");
    int width = pipeline.tasks().keySet().stream().mapToInt(String::length).max().orElse(0);
    for (Task t : pipeline.tasks().values()) {
      out.append("  ").append(t.name());
      String description = t.description();
      if (!t.dependsOn().isEmpty()) {
        description += (description.isEmpty() ? "" : " ") + "(after " + String.join(", ", t.dependsOn()) + ")";
      }
      if (!description.isEmpty()) {
        out.append(" ".repeat(width - t.name().length() + 2)).append(description);
      }
      if (pipeline.defaultTasks().contains(t.name())) {
        out.append(" [default]");
      }
      out.append('\n');
    }
    if (!pipeline.params().isEmpty()) {
      out.append("params:\n");
      for (Param p : pipeline.params()) {
        out.append("  ").append(p.name()).append(": ").append(p.type());
        if (p.defaultValue() != null) {
          out.append(" = ").append(literal(p.defaultValue()));
        }
        if (p.value() != null && !p.value().equals(p.defaultValue())) {
          out.append(" (now ").append(literal(p.value())).append(')');
        }
        if (!p.description().isEmpty()) {
          out.append("  ").append(p.description().replace('\n', ' '));
        }
        out.append('\n');
      }
    }
    if (!pipeline.triggers().isEmpty()) {
      out.append("triggers (kiln serve):\n");
      for (Trigger t : pipeline.triggers()) {
        out.append("  ").append(t.describe());
        if (!t.tasks().isEmpty()) {
          out.append(" runs ").append(String.join(", ", t.tasks()));
        }
        if (!t.params().isEmpty()) {
          out.append(" with ");
          t.params().forEach((k, v) -> out.append(k).append('=').append(v).append(' '));
          out.setLength(out.length() - 1);
        }
        out.append('\n');
      }
    }
    return out.toString();
  }

  private static String literal(Object value) {
    return value instanceof String s ? '"' + s + '"' : String.valueOf(value);
  }

  static String json(Pipeline pipeline) throws Exception {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    var tasks = root.putArray("tasks");
    for (Task t : pipeline.tasks().values()) {
      ObjectNode n = tasks.addObject();
      n.put("name", t.name());
      n.put("description", t.description());
      t.dependsOn().forEach(n.putArray("dependsOn")::add);
      n.put("default", pipeline.defaultTasks().contains(t.name()));
    }
    var params = root.putArray("params");
    for (Param p : pipeline.params()) {
      ObjectNode n = params.addObject();
      n.put("name", p.name());
      n.put("type", p.type());
      n.put("description", p.description());
      n.putPOJO("default", p.defaultValue());
      n.putPOJO("value", p.value());
    }
    var triggers = root.putArray("triggers");
    for (Trigger t : pipeline.triggers()) {
      ObjectNode n = triggers.addObject();
      if (t instanceof Trigger.Schedule s) {
        n.put("kind", "schedule");
        n.put("cron", s.cron());
        n.put("timeZone", s.timeZone());
        n.put("branch", s.branch());
      } else if (t instanceof Trigger.Event e) {
        n.put("kind", e instanceof Trigger.Push ? "push" : "pullRequest");
        var branches = n.putArray("branches");
        e.branches().forEach(g -> branches.add(g.pattern()));
        var paths = n.putArray("paths");
        e.paths().forEach(g -> paths.add(g.pattern()));
      }
      t.tasks().forEach(n.putArray("tasks")::add);
      ObjectNode values = n.putObject("params");
      t.params().forEach(values::put);
      n.put("description", t.describe());
    }
    return mapper.writeValueAsString(root) + "\n";
  }
}
