package dev.kiln.evaluator;

import dev.kiln.model.Container;
import dev.kiln.model.ContainerOp;
import dev.kiln.model.Directory;
import dev.kiln.model.File;
import dev.kiln.model.Pipeline;
import dev.kiln.model.PipelineException;
import dev.kiln.model.Suggestions;
import dev.kiln.model.Task;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks Pkl's types cannot express: dependencies name tasks, form no cycle, exports do not
 * collide, host paths stay inside the project root, secrets are not written into plain environment
 * variables. The first failure is thrown with a location.
 */
final class PipelineChecks {
  /** Names that say "credential"; a literal value under such a name would land in plans, cache keys and logs. */
  private static final java.util.regex.Pattern CREDENTIAL_NAME = java.util.regex.Pattern.compile(
      "(?i).*(password|passwd|secret|token|api_?key|access_?key|private_?key|credential).*");
  private static final java.util.regex.Pattern NOT_A_CREDENTIAL = java.util.regex.Pattern.compile(
      "(?i).*_(url|uri|file|path|dir|host|endpoint|name|id|type|env)$");

  private final SourceIndex source;
  private final Path root;

  PipelineChecks(SourceIndex source, Path projectRoot) {
    this.source = source;
    this.root = projectRoot.toAbsolutePath().normalize();
  }

  void check(Pipeline pipeline) {
    Map<String, Task> tasks = pipeline.tasks();
    for (Task task : tasks.values()) {
      for (String dep : task.dependsOn()) {
        if (!tasks.containsKey(dep)) {
          throw new PipelineException("task `" + task.name() + "` depends on unknown task `" + dep + "`",
              source.literal(task.name(), dep), suggestion(dep, tasks.keySet()));
        }
        if (dep.equals(task.name())) {
          throw new PipelineException("task `" + dep + "` depends on itself",
              source.literal(task.name(), dep), "remove it from its own `dependsOn`");
        }
      }
    }
    for (String name : pipeline.defaultTasks()) {
      if (!tasks.containsKey(name)) {
        throw new PipelineException("`defaultTasks` names unknown task `" + name + "`",
            source.literal(name), suggestion(name, tasks.keySet()));
      }
    }
    checkCycles(tasks);
    Map<Path, Task> destinations = new HashMap<>();
    for (Task task : tasks.values()) {
      for (Task.Export export : task.exports()) {
        Path dest = insideRoot(task, export.hostPath(), "export destination");
        Task other = destinations.putIfAbsent(dest, task);
        if (other != null) {
          throw new PipelineException("export destination `" + export.hostPath() + "` of task `"
              + task.name() + "` is already written by task `" + other.name() + "`",
              source.literal(task.name(), export.hostPath()),
              "give each export its own host path");
        }
      }
      var seen = Collections.newSetFromMap(new IdentityHashMap<Object, Boolean>());
      for (Container c : nonNull(task.run(), task.publish())) {
        hostPaths(task, c, seen);
      }
      if (task.call() != null) {
        for (Object arg : task.call().args().values()) {
          if (arg instanceof Directory d) {
            hostPaths(task, d, seen);
          } else if (arg instanceof dev.kiln.model.File f) {
            hostPaths(task, f.directory(), seen);
          }
        }
      }
    }
  }

  private void checkCycles(Map<String, Task> tasks) {
    Map<String, Integer> state = new HashMap<>(); // 1 = on the path, 2 = done
    for (String start : tasks.keySet()) {
      Deque<String> path = new ArrayDeque<>();
      visit(start, tasks, state, path);
    }
  }

  private void visit(String name, Map<String, Task> tasks, Map<String, Integer> state, Deque<String> path) {
    Integer s = state.get(name);
    if (s != null && s == 2) {
      return;
    }
    if (s != null && s == 1) {
      List<String> cycle = new ArrayList<>();
      boolean in = false;
      for (var it = path.descendingIterator(); it.hasNext(); ) {
        String n = it.next();
        in |= n.equals(name);
        if (in) {
          cycle.add(n);
        }
      }
      cycle.add(name);
      throw new PipelineException("dependency cycle: " + String.join(" -> ", cycle),
          source.task(cycle.get(0)), "remove one of these `dependsOn` edges");
    }
    state.put(name, 1);
    path.push(name);
    for (String dep : tasks.get(name).dependsOn()) {
      visit(dep, tasks, state, path);
    }
    path.pop();
    state.put(name, 2);
  }

  private void hostPaths(Task task, Container c, Set<Object> seen) {
    if (!seen.add(c)) {
      return;
    }
    for (ContainerOp op : c.ops()) {
      if (op instanceof ContainerOp.WithEnv e) {
        plainSecret(task, e);
      } else if (op instanceof ContainerOp.WithDirectory d) {
        hostPaths(task, d.source(), seen);
      } else if (op instanceof ContainerOp.WithMountedDirectory d) {
        hostPaths(task, d.source(), seen);
      } else if (op instanceof ContainerOp.WithFile f) {
        hostPaths(task, f.file().directory(), seen);
      }
    }
  }

  private void hostPaths(Task task, Directory d, Set<Object> seen) {
    if (!seen.add(d)) {
      return;
    }
    if (d.base() instanceof Directory.Host h) {
      insideRoot(task, h.path(), "host directory");
    } else if (d.base() instanceof Directory.FromContainer fc) {
      hostPaths(task, fc.container(), seen);
    } else if (d.base() instanceof Directory.Sub sub) {
      hostPaths(task, sub.parent(), seen);
    }
    for (Directory.Op op : d.ops()) {
      if (op instanceof Directory.WithDirectory wd) {
        hostPaths(task, wd.source(), seen);
      } else if (op instanceof Directory.WithFile wf) {
        hostPaths(task, wf.file().directory(), seen);
      }
    }
  }

  private void plainSecret(Task task, ContainerOp.WithEnv e) {
    String name = e.name();
    if (e.value().isEmpty() || e.value().startsWith("$") || NOT_A_CREDENTIAL.matcher(name).matches()
        || !CREDENTIAL_NAME.matcher(name).matches()) {
      return;
    }
    throw new PipelineException("environment variable `" + name + "` of task `" + task.name()
        + "` looks like a credential but is set to a plain value, which would be stored in the plan, the"
        + " engine's cache keys and its logs",
        source.literal(task.name(), name),
        "declare a secret, e.g. `local t = envSecret(\"" + name.toLowerCase(java.util.Locale.ROOT).replace('_', '-')
            + "\", \"" + name + "\")`, and use `withSecretVariable(\"" + name + "\", t)` or `withMountedSecret`");
  }

  private Path insideRoot(Task task, String hostPath, String what) {
    Path resolved = root.resolve(hostPath).normalize();
    if (!resolved.startsWith(root)) {
      throw new PipelineException(what + " `" + hostPath + "` of task `" + task.name()
          + "` is outside the project root",
          source.literal(task.name(), hostPath), "use a path inside the project, without `..` above its root");
    }
    return resolved;
  }

  private static List<Container> nonNull(Container... cs) {
    var out = new ArrayList<Container>();
    for (Container c : cs) {
      if (c != null) {
        out.add(c);
      }
    }
    return out;
  }

  static String suggestion(String name, Set<String> known) {
    var best = Suggestions.closest(name, known);
    if (best.isPresent()) {
      return "did you mean `" + best.get() + "`?";
    }
    return known.isEmpty() ? "the pipeline declares no tasks" : "known tasks: " + String.join(", ", known);
  }
}
