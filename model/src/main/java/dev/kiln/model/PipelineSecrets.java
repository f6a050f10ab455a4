package dev.kiln.model;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Finds every secret a pipeline's tasks use: mounted, as variables, as call arguments, and inside
 * the containers that files and directories come from. Shared containers and directories are
 * visited once, so the walk stays linear in the model's size.
 */
final class PipelineSecrets {
  private final SortedMap<String, Secret> found = new TreeMap<>();
  private final Set<Secret> declared = new java.util.LinkedHashSet<>();
  private final Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());

  private PipelineSecrets() {}

  /** Secret name -> the secret; where two declare one name, the first found wins. */
  static SortedMap<String, Secret> of(Pipeline pipeline) {
    return Collections.unmodifiableSortedMap(walk(pipeline).found);
  }

  /** Every different secret, in task order: two of one name with different sources are both there. */
  static List<Secret> all(Pipeline pipeline) {
    return List.copyOf(walk(pipeline).declared);
  }

  private static PipelineSecrets walk(Pipeline pipeline) {
    PipelineSecrets walk = new PipelineSecrets();
    for (Task task : pipeline.tasks().values()) {
      walk.container(task.run());
      walk.container(task.publish());
      if (task.call() != null) {
        walk.value(task.call().args());
      }
    }
    return walk;
  }

  private void secret(Secret s) {
    found.putIfAbsent(s.name(), s);
    declared.add(s);
  }

  private void container(Container c) {
    if (c == null || !seen.add(c)) {
      return;
    }
    for (ContainerOp op : c.ops()) {
      if (op instanceof ContainerOp.WithMountedSecret m) {
        secret(m.secret());
      } else if (op instanceof ContainerOp.WithSecretVariable v) {
        secret(v.secret());
      } else if (op instanceof ContainerOp.WithDirectory d) {
        directory(d.source());
      } else if (op instanceof ContainerOp.WithMountedDirectory d) {
        directory(d.source());
      } else if (op instanceof ContainerOp.WithFile f) {
        directory(f.file().directory());
      }
    }
  }

  private void directory(Directory d) {
    if (!seen.add(d)) {
      return;
    }
    if (d.base() instanceof Directory.FromContainer c) {
      container(c.container());
    } else if (d.base() instanceof Directory.Sub s) {
      directory(s.parent());
    }
    for (Directory.Op op : d.ops()) {
      if (op instanceof Directory.WithDirectory w) {
        directory(w.source());
      } else if (op instanceof Directory.WithFile f) {
        directory(f.file().directory());
      }
    }
  }

  /** A call argument: a secret, a file, a directory, or lists and maps of those and plain values. */
  private void value(Object v) {
    if (v instanceof Secret s) {
      secret(s);
    } else if (v instanceof Directory d) {
      directory(d);
    } else if (v instanceof File f) {
      directory(f.directory());
    } else if (v instanceof List<?> l) {
      l.forEach(this::value);
    } else if (v instanceof Map<?, ?> m) {
      m.values().forEach(this::value);
    }
  }
}
