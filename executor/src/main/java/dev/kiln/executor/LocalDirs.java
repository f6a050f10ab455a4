package dev.kiln.executor;

import dev.kiln.model.ProjectRoot;
import dev.kiln.planner.llb.Definition;
import dev.kiln.planner.llb.pb.Op;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

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
    for (int i = 0; i < def.size(); i++) {
      Op op = def.op(i);
      if (op.hasSource() && op.getSource().getIdentifier().startsWith("local://")) {
        String name = op.getSource().getIdentifier().substring("local://".length());
        ProjectRoot.Resolution dir = root.resolve(name);
        if (!(dir instanceof ProjectRoot.Resolution.Inside in)) {
          throw SolveException.failed(dir.problem("host directory `" + name + "`") + "; it is not sent to the engine",
              "use a directory of the project, not a link to elsewhere", null);
        }
        dirs.put(name, in.real());
      }
    }
    return dirs;
  }
}
