package dev.kiln.evaluator;

import dev.kiln.model.PipelineException;
import dev.kiln.model.ProjectRoot;
import dev.kiln.model.SourceLocation;
import dev.kiln.model.Task;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pipeline's export destinations, checked together: each is inside the project once links are
 * followed, none is the project itself or inside Kiln's state ({@code .kiln}) or the repository's
 * metadata ({@code .git}), and no two are the same place or one inside the other, within a task or
 * across tasks (a directory export replaces its destination whole: the other export would be
 * deleted, or written into a directory about to be swapped).
 */
final class ExportDestinations {
  private final SourceIndex source;
  private final ProjectRoot root;

  ExportDestinations(SourceIndex source, ProjectRoot root) {
    this.source = source;
    this.root = root;
  }

  /** One export: where the pipeline says, and the place written (the real directory, then its own name). */
  private record Destination(Task task, String hostPath, Path place) {}

  /** @throws PipelineException at the first destination refused, naming the other one where two clash */
  void check(Map<String, Task> tasks) {
    Map<Path, Destination> byPlace = new HashMap<>();
    List<Destination> all = new ArrayList<>();
    for (Task task : tasks.values()) {
      for (Task.Export export : task.exports()) {
        Destination d = new Destination(task, export.hostPath(), place(task, export.hostPath()));
        Destination other = byPlace.putIfAbsent(d.place(), d);
        if (other != null) {
          throw new PipelineException(subject(d) + " is already written by task `" + other.task().name() + "`"
              + (other.hostPath().equals(d.hostPath()) ? "" : " as `" + other.hostPath() + "`")
              + " (" + location(other) + ")", location(d), "give each export its own host path");
        }
        all.add(d);
      }
    }
    for (Destination d : all) {
      for (Path up = d.place().getParent(); up != null && root.contains(up); up = up.getParent()) {
        Destination outer = byPlace.get(up);
        if (outer != null) {
          throw new PipelineException(subject(d) + " is inside `" + outer.hostPath() + "`, the export destination"
              + " of task `" + outer.task().name() + "` (" + location(outer) + "): one export would replace the"
              + " other or write into it", location(d),
              outer.task() == d.task()
                  ? "export the directory alone, with the file put into it in the container"
                  : "export to paths that do not contain each other, such as `build/" + d.task().name()
                      + "/` and `build/" + outer.task().name() + "/`");
        }
      }
    }
  }

  /**
   * Where {@code hostPath} is written: the real path of its directory, then its own name (an export
   * replaces what is there, a link included, and never writes through it). The whole path must lead
   * inside the project too.
   */
  private Path place(Task task, String hostPath) {
    String subject = subject(task, hostPath);
    ProjectRoot.Resolution whole = root.resolve(hostPath);
    if (!whole.inside()) {
      throw new PipelineException(whole.problem(subject), location(task, hostPath), hint(whole));
    }
    Path lexical = Path.of(hostPath).normalize();
    if (lexical.toString().isEmpty()) {
      throw new PipelineException(subject + " is the project itself: the export would replace the whole project",
          location(task, hostPath), "export to a path inside the project, such as `build/`");
    }
    Path parent = lexical.getParent();
    ProjectRoot.Resolution dir = root.resolve(parent == null ? "." : parent.toString());
    if (!(dir instanceof ProjectRoot.Resolution.Inside in)) {
      throw new PipelineException(dir.problem(subject + ": its directory `" + parent + "`"), location(task, hostPath),
          hint(dir));
    }
    Path place = in.real().resolve(lexical.getFileName());
    String top = root.real().relativize(place).getName(0).toString();
    if (top.equals(".kiln") || top.equals(".git")) {
      throw new PipelineException(subject + " is inside `" + top + "/`, " + (top.equals(".kiln")
          ? "Kiln's own state (its caches, results and plugins)" : "the repository's metadata (where hooks run code)"),
          location(task, hostPath), "export to another directory, such as `build/`");
    }
    return place;
  }

  private static String hint(ProjectRoot.Resolution r) {
    return r instanceof ProjectRoot.Resolution.Outside o && o.link() == null
        ? "use a path inside the project, without `..` above its root"
        : "export to a directory of the project that is not a link to elsewhere, or remove the link";
  }

  private static String subject(Task task, String hostPath) {
    return "export destination `" + hostPath + "` of task `" + task.name() + "`";
  }

  private static String subject(Destination d) {
    return subject(d.task(), d.hostPath());
  }

  private SourceLocation location(Destination d) {
    return location(d.task(), d.hostPath());
  }

  /** Found in the text only for an error: a search per export would cost a 1,000-task pipeline seconds. */
  private SourceLocation location(Task task, String hostPath) {
    return source.literal(task.name(), hostPath);
  }
}
