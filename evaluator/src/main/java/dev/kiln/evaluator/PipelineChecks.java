package dev.kiln.evaluator;

import dev.kiln.model.Container;
import dev.kiln.model.ContainerOp;
import dev.kiln.model.Directory;
import dev.kiln.model.ModelGraph;
import dev.kiln.model.Pipeline;
import dev.kiln.model.PipelineException;
import dev.kiln.model.ProjectRoot;
import dev.kiln.model.SourceLocation;
import dev.kiln.model.Suggestions;
import dev.kiln.model.Task;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks Pkl's types cannot express: dependencies name tasks, form no cycle, exports do not
 * collide (see {@link ExportDestinations}), host paths stay inside the project once links are
 * followed, secrets are not written into plain environment variables. The first failure is thrown
 * with a location.
 */
final class PipelineChecks {
  /** Names that say "credential"; a literal value under such a name would land in plans, cache keys and logs. */
  private static final java.util.regex.Pattern CREDENTIAL_NAME = java.util.regex.Pattern.compile(
      "(?i).*(password|passwd|secret|token|api_?key|access_?key|private_?key|credential).*");
  private static final java.util.regex.Pattern NOT_A_CREDENTIAL = java.util.regex.Pattern.compile(
      "(?i).*_(url|uri|file|path|dir|host|endpoint|name|id|type|env)$");

  private final SourceIndex source;
  private final ProjectRoot root;

  PipelineChecks(SourceIndex source, Path projectRoot) {
    this.source = source;
    try {
      this.root = ProjectRoot.of(projectRoot);
    } catch (IOException e) {
      throw new PipelineException("the project directory " + projectRoot + " cannot be read: " + e.getMessage(),
          SourceLocation.of(source.file()), "check that it exists and is readable");
    }
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
    paths(pipeline);
  }

  /**
   * The checks that read the file system (where links lead), run again on every evaluation taken
   * from the cache: the tree may have changed since the pipeline was evaluated.
   */
  void paths(Pipeline pipeline) {
    Map<String, Task> tasks = pipeline.tasks();
    new ExportDestinations(source, root).check(tasks);
    for (Task task : tasks.values()) {
      // Everything the task is built from, once each, in the order a recursive walk takes.
      for (Object node : ModelGraph.outerFirst(ModelGraph.roots(task))) {
        if (node instanceof Container c) {
          for (ContainerOp op : c.ops()) {
            if (op instanceof ContainerOp.WithEnv e) {
              plainSecret(task, e);
            }
          }
        } else if (node instanceof Directory d && d.base() instanceof Directory.Host h) {
          insideRoot(task, h.path());
        }
      }
    }
  }

  /** A task on the current dependency path, and the index of its next dependency to visit. */
  private record Frame(String name, List<String> deps, int next) {}

  /** Depth-first, with an explicit stack: a chain of thousands of tasks is an ordinary pipeline. */
  private void checkCycles(Map<String, Task> tasks) {
    Map<String, Integer> state = new HashMap<>(); // 1 = on the path, 2 = done
    for (String start : tasks.keySet()) {
      if (state.containsKey(start)) {
        continue;
      }
      Deque<Frame> path = new ArrayDeque<>();
      state.put(start, 1);
      path.push(new Frame(start, tasks.get(start).dependsOn(), 0));
      while (!path.isEmpty()) {
        Frame top = path.pop();
        if (top.next() == top.deps().size()) {
          state.put(top.name(), 2);
          continue;
        }
        path.push(new Frame(top.name(), top.deps(), top.next() + 1));
        String dep = top.deps().get(top.next());
        Integer s = state.get(dep);
        if (s == null) {
          state.put(dep, 1);
          path.push(new Frame(dep, tasks.get(dep).dependsOn(), 0));
        } else if (s == 1) {
          throw cycle(dep, path);
        }
      }
    }
  }

  /** The cycle that closes at {@code name}, which is on {@code path} (innermost first). */
  private PipelineException cycle(String name, Deque<Frame> path) {
    List<String> cycle = new ArrayList<>();
    boolean in = false;
    for (var it = path.descendingIterator(); it.hasNext(); ) {
      String n = it.next().name();
      in |= n.equals(name);
      if (in) {
        cycle.add(n);
      }
    }
    cycle.add(name);
    return new PipelineException("dependency cycle: " + String.join(" -> ", cycle),
        source.task(cycle.get(0)), "remove one of these `dependsOn` edges");
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

  /** Refuses a host directory that leads outside the project: the engine would be sent what is there. */
  private void insideRoot(Task task, String hostPath) {
    ProjectRoot.Resolution r = root.resolve(hostPath);
    if (!r.inside()) {
      throw new PipelineException(r.problem("host directory `" + hostPath + "` of task `" + task.name() + "`"),
          source.literal(task.name(), hostPath), r instanceof ProjectRoot.Resolution.Outside o && o.link() != null
              ? "use a directory of the project, not a link to elsewhere (links inside it are sent as links)"
              : "use a path inside the project, without `..` above its root");
    }
  }

  static String suggestion(String name, Set<String> known) {
    var best = Suggestions.closest(name, known);
    if (best.isPresent()) {
      return "did you mean `" + best.get() + "`?";
    }
    return known.isEmpty() ? "the pipeline declares no tasks" : "known tasks: " + String.join(", ", known);
  }
}
