package dev.kiln.cli;

import dev.kiln.planner.Plan;
import dev.kiln.planner.PlannedCall;
import dev.kiln.planner.PlannedOp;
import dev.kiln.planner.PlannedTarget;
import dev.kiln.planner.PlannedTask;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** The text form of a plan: one block per task, ops indented under each target. */
final class PlanText {
  private PlanText() {}

  static String render(Plan plan) {
    var out = new StringBuilder();
    Set<String> shared = plan.sharedDigests();
    var ops = new HashSet<String>();
    plan.tasks().forEach(t -> t.targets().forEach(g -> g.definition().digests()
        .subList(0, g.definition().size()).forEach(ops::add)));
    out.append("plan for ").append(plan.engine().describe()).append(": ")
        .append(plan.tasks().size()).append(plan.tasks().size() == 1 ? " task, " : " tasks, ")
        .append(ops.size()).append(" ops (").append(shared.size()).append(" shared between tasks)\n");
    plan.notes().forEach(n -> out.append("note: ").append(n).append('\n'));
    for (PlannedTask task : plan.tasks()) {
      out.append('\n').append("task ").append(task.name());
      if (!task.dependsOn().isEmpty()) {
        out.append(" (after ").append(String.join(", ", task.dependsOn())).append(')');
      }
      if (!task.requested()) {
        out.append(" [dependency]");
      }
      out.append('\n');
      if (!task.description().isEmpty()) {
        out.append("  ").append(task.description()).append('\n');
      }
      if (task.call() != null) {
        out.append("  call ").append(task.call().function()).append('\n');
        task.call().args().forEach((name, value) ->
            out.append("    ").append(name).append(" = ").append(PlannedCall.describe(value)).append('\n'));
      }
      for (PlannedTarget target : task.targets()) {
        out.append("  ").append(target.kind().name().toLowerCase(Locale.ROOT));
        if (target.kind() == PlannedTarget.Kind.EXPORT) {
          out.append(' ').append(target.path()).append(" -> ").append(target.destination());
        } else if (target.kind() == PlannedTarget.Kind.REPORTS) {
          out.append(' ').append(target.path()).append(" -> .kiln/reports/").append(task.name()).append('/')
              .append(target.destination());
        } else if (target.kind() == PlannedTarget.Kind.INPUT) {
          out.append(' ').append(target.path()).append(" <- ").append(target.destination());
        } else if (target.kind() == PlannedTarget.Kind.PUBLISH) {
          out.append(' ').append(target.destination());
          if (!target.path().isEmpty()) {
            out.append(" (").append(target.path()).append(')'); // one platform of an image index
          }
        }
        out.append("  result ").append(target.definition().resultDigest()).append('\n');
        for (PlannedOp op : PlannedOp.of(target.definition())) {
          out.append("    ").append(shortDigest(op.digest())).append(' ')
              .append(String.format("%-5s", op.kind()));
          if (!op.name().isEmpty()) {
            out.append(" \"").append(op.name()).append('"');
          }
          out.append(' ').append(op.summary());
          if (shared.contains(op.digest())) {
            out.append("  (shared)");
          }
          out.append('\n');
        }
      }
      if (!task.cacheVolumes().isEmpty()) {
        out.append("  caches: ").append(String.join(", ", task.cacheVolumes())).append('\n');
      }
      if (!task.secrets().isEmpty()) {
        out.append("  secrets: ").append(String.join(", ", task.secrets())).append('\n');
      }
      if (!task.results().isEmpty()) {
        out.append("  results: ").append(String.join(", ", task.results())).append('\n');
      }
    }
    return out.toString();
  }

  static String shortDigest(String digest) {
    return digest.length() > 19 ? digest.substring(7, 19) : digest;
  }
}
