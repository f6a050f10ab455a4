package dev.kiln.executor;

import dev.kiln.model.ProjectRoot;
import dev.kiln.planner.Plan;
import dev.kiln.planner.PlannedTarget;
import dev.kiln.planner.PlannedTask;
import dev.kiln.planner.llb.Definition;
import dev.kiln.planner.llb.pb.Op;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The host directories a definition's local sources name, as the session's file sync serves them. */
final class LocalDirs {
  private LocalDirs() {}

  /**
   * The local sources {@code def} reads, by name: their real paths, refused when a link leads
   * out of the project (checked when the pipeline was evaluated, and again now).
   *
   * @throws SolveException for a directory that leads out of the project
   */
  static Map<String, Path> of(Definition def, ProjectRoot root) {
    Map<String, Path> dirs = new TreeMap<>();
    for (String name : names(def)) {
      ProjectRoot.Resolution dir = root.resolve(name);
      if (!(dir instanceof ProjectRoot.Resolution.Inside in)) {
        throw SolveException.failed(dir.problem("host directory `" + name + "`") + "; it is not sent to the engine",
            "use a directory of the project, not a link to elsewhere", null);
      }
      dirs.put(name, in.real());
    }
    return dirs;
  }

  /**
   * The local sources of every target of {@code plan} that may be sent, by name: those that lead
   * out of the project are left out (the solve of a target that reads one fails, by {@link #of}).
   */
  static Map<String, Path> of(Plan plan, ProjectRoot root) {
    Set<String> names = new TreeSet<>();
    for (PlannedTask task : plan.tasks()) {
      for (PlannedTarget target : task.targets()) {
        names.addAll(names(target.definition()));
      }
    }
    Map<String, Path> dirs = new TreeMap<>();
    for (String name : names) {
      if (root.resolve(name) instanceof ProjectRoot.Resolution.Inside in) {
        dirs.put(name, in.real());
      }
    }
    return dirs;
  }

  private static List<String> names(Definition def) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < def.size(); i++) {
      Op op = def.op(i);
      if (op.hasSource() && op.getSource().getIdentifier().startsWith("local://")) {
        names.add(op.getSource().getIdentifier().substring("local://".length()));
      }
    }
    return names;
  }
}
