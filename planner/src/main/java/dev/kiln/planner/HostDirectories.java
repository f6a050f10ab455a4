package dev.kiln.planner;

import dev.kiln.model.Container;
import dev.kiln.model.Directory;
import dev.kiln.model.File;
import dev.kiln.model.ModelGraph;
import dev.kiln.model.Pipeline;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The host directories a pipeline reads, by the name the planner gives their local sources: the
 * CLI reads each one's {@code .dockerignore} and {@code .kilnignore} and passes them to {@link
 * PlannerBuilder#addIgnoreFile}, so the planner itself never touches the disk.
 */
public final class HostDirectories {
  private HostDirectories() {}

  /** Names (cleaned, project-relative, {@code .} for the root) of every host directory used. */
  public static SortedSet<String> of(Pipeline pipeline) {
    var names = new TreeSet<String>();
    List<Object> roots = new ArrayList<>();
    pipeline.tasks().values().forEach(t -> roots.addAll(ModelGraph.roots(t)));
    for (Object node : ModelGraph.outerFirst(roots)) {
      if (node instanceof Directory d && d.base() instanceof Directory.Host h) {
        names.add(LocalSources.name(h.path()));
      }
    }
    return Collections.unmodifiableSortedSet(names);
  }

  /**
   * A Dockerfile of the host that a build reads, by project-relative path, and its build
   * context's host directory (null when the context is not one).
   */
  public record HostDockerfile(String path, String context) {}

  /** The Dockerfiles in host directories that the pipeline's builds read, each once. */
  public static List<HostDockerfile> dockerfiles(Pipeline pipeline) {
    var out = new java.util.LinkedHashSet<HostDockerfile>();
    List<Object> roots = new ArrayList<>();
    pipeline.tasks().values().forEach(t -> roots.addAll(ModelGraph.roots(t)));
    for (Object node : ModelGraph.outerFirst(roots)) {
      if (node instanceof Container c && c.build() != null) {
        String file = hostPath(c.build().dockerfile());
        if (file != null) {
          out.add(new HostDockerfile(file, hostPath(c.build().context())));
        }
      }
    }
    return List.copyOf(out);
  }

  /** The project-relative path of a host directory used as it is, else null. */
  static String hostPath(Directory d) {
    return d.ops().isEmpty() && d.base() instanceof Directory.Host h ? LocalSources.name(h.path()) : null;
  }

  /** The project-relative path of a file of a host directory used as it is, else null. */
  static String hostPath(File f) {
    String dir = hostPath(f.directory());
    return dir == null ? null : LocalSources.name(dir + "/" + f.path());
  }
}
