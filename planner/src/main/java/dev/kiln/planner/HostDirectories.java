package dev.kiln.planner;

import dev.kiln.model.Directory;
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
}
