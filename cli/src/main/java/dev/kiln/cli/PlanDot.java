package dev.kiln.cli;

import dev.kiln.planner.Plan;
import dev.kiln.planner.PlannedOp;
import dev.kiln.planner.PlannedTarget;
import dev.kiln.planner.PlannedTask;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Graphviz form of a plan: ops (once each, however many tasks share them) with their input
 * edges, tasks as boxes pointing at their results, and dashed task dependencies.
 */
final class PlanDot {
  private PlanDot() {}

  static String render(Plan plan) {
    Map<String, PlannedOp> ops = new LinkedHashMap<>();
    Set<String> edges = new LinkedHashSet<>();
    var out = new StringBuilder("digraph plan {\n  rankdir=LR;\n  node [fontname=\"monospace\", fontsize=10];\n");
    for (PlannedTask task : plan.tasks()) {
      String taskLabel = "task " + task.name() + (task.call() == null ? "" : "\ncall " + task.call().function());
      out.append("  ").append(id("task:" + task.name())).append(" [shape=box, style=bold, label=")
          .append(quote(taskLabel)).append("];\n");
      for (String dep : task.dependsOn()) {
        edges.add(id("task:" + dep) + " -> " + id("task:" + task.name()) + " [style=dashed]");
      }
      for (PlannedTarget target : task.targets()) {
        for (PlannedOp op : PlannedOp.of(target.definition())) {
          ops.putIfAbsent(op.digest(), op);
          op.inputs().forEach(in -> edges.add(id(in) + " -> " + id(op.digest())));
        }
        String label = target.kind().name().toLowerCase(Locale.ROOT)
            + (target.kind() == PlannedTarget.Kind.INPUT ? " " + target.path()
                : target.destination().isEmpty() ? "" : " " + target.destination());
        edges.add(id(target.definition().resultDigest()) + " -> " + id("task:" + task.name())
            + " [label=" + quote(label) + "]");
      }
    }
    for (PlannedOp op : ops.values()) {
      String text = op.kind() + " " + PlanText.shortDigest(op.digest()) + "\\n"
          + escape(op.name().isEmpty() ? abbreviate(op.summary()) : op.name());
      out.append("  ").append(id(op.digest())).append(" [shape=").append(op.kind().equals("exec") ? "ellipse" : "note")
          .append(", label=\"").append(text).append("\"];\n");
    }
    edges.forEach(e -> out.append("  ").append(e).append(";\n"));
    return out.append("}\n").toString();
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  private static String id(String s) {
    return quote(s);
  }

  private static String quote(String s) {
    return "\"" + escape(s) + "\"";
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
