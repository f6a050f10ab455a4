package dev.kiln.planner;

import dev.kiln.model.Container;
import dev.kiln.model.ContainerOp;
import dev.kiln.model.Directory;
import dev.kiln.model.File;
import dev.kiln.model.Pipeline;
import dev.kiln.model.Task;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;
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
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Object> todo = new ArrayDeque<>();
    for (Task t : pipeline.tasks().values()) {
      if (t.run() != null) {
        todo.add(t.run());
      }
      if (t.publish() != null) {
        todo.add(t.publish());
      }
      if (t.call() != null) {
        for (Object arg : t.call().args().values()) {
          if (arg instanceof Directory d) {
            todo.add(d);
          } else if (arg instanceof dev.kiln.model.File f) {
            todo.add(f.directory());
          }
        }
      }
    }
    while (!todo.isEmpty()) {
      Object v = todo.poll();
      if (!seen.add(v)) {
        continue;
      }
      if (v instanceof Container c) {
        for (ContainerOp op : c.ops()) {
          if (op instanceof ContainerOp.WithDirectory d) {
            todo.add(d.source());
          } else if (op instanceof ContainerOp.WithFile f) {
            todo.add(f.file().directory());
          } else if (op instanceof ContainerOp.WithMountedDirectory m) {
            todo.add(m.source());
          }
        }
      } else if (v instanceof Directory d) {
        if (d.base() instanceof Directory.Host h) {
          names.add(LocalSources.name(h.path()));
        } else if (d.base() instanceof Directory.FromContainer fc) {
          todo.add(fc.container());
        } else if (d.base() instanceof Directory.Sub s) {
          todo.add(s.parent());
        }
        for (Directory.Op op : d.ops()) {
          if (op instanceof Directory.WithDirectory w) {
            todo.add(w.source());
          } else if (op instanceof Directory.WithFile w) {
            todo.add(w.file().directory());
          }
        }
      }
    }
    return Collections.unmodifiableSortedSet(names);
  }
}
