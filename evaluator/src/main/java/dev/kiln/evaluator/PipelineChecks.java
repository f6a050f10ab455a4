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
import dev.kiln.model.TaskDependencies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks Pkl's types cannot express: dependencies name tasks, form no cycle, exports do not
 * collide (see {@link ExportDestinations}), host paths stay inside the project once links are
 * followed, secrets are not written into plain environment variables. The first failure is thrown
 * with a location.
 */
final class PipelineChecks {
  /** Names that say "credential"; a literal value under such a name would land in plans, cache keys and logs. */
  private static final Pattern CREDENTIAL_NAME = Pattern.compile(
      "(?i).*(password|passwd|secret|token|api_?key|access_?key|private_?key|credential).*");
  private static final Pattern NOT_A_CREDENTIAL = Pattern.compile(
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
    TaskDependencies graph = TaskDependencies.of(pipeline);
    graph.unknown().ifPresent(u -> {
      throw new PipelineException("task `" + u.task() + "` depends on unknown task `" + u.dependency() + "`",
          source.literal(u.task(), u.dependency()), suggestion(u.dependency(), tasks.keySet()));
    });
    for (Task task : tasks.values()) {
      for (String dep : task.dependsOn()) {
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
    graph.cycle().ifPresent(cycle -> {
      throw new PipelineException("dependency cycle: " + String.join(" -> ", cycle),
          source.task(cycle.get(0)), "remove one of these `dependsOn` edges");
    });
    paths(pipeline);
  }

  /**
   * The checks that read the file system (where links lead), run again on every evaluation taken
   * from the cache: the tree may have changed since the pipeline was evaluated.
   */
  void paths(Pipeline pipeline) {
    Map<String, Task> tasks = pipeline.tasks();
    new ExportDestinations(source, root).check(tasks);
    List<String> made = madeByRuns(tasks);
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
          exists(task, h.path(), made);
        }
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

  /**
   * Refuses a host directory that is not there (the engine would fail to list it, naming neither
   * task nor line), unless a run makes it: a task's results or an export lands in or below it.
   */
  private void exists(Task task, String hostPath, List<String> made) {
    if (!(root.resolve(hostPath) instanceof ProjectRoot.Resolution.Inside in) || Files.isDirectory(in.real())) {
      return;
    }
    String path = clean(hostPath);
    for (String m : made) {
      if (m.equals(path) || m.startsWith(path + "/") || path.startsWith(m + "/")) {
        return;
      }
    }
    boolean file = Files.exists(in.real());
    throw new PipelineException("host directory `" + hostPath + "` of task `" + task.name() + "` "
        + (file ? "is a file, not a directory" : "does not exist"),
        source.literal(task.name(), hostPath), file
            ? "take the file with `host.directory(\"<its directory>\").file(\"<name>\")`"
            : "check the path: host paths are relative to the project root, the pipeline file's directory");
  }

  /** The project paths runs write (cleaned): each task's results directory and export destinations. */
  private static List<String> madeByRuns(Map<String, Task> tasks) {
    List<String> made = new ArrayList<>();
    for (Task task : tasks.values()) {
      made.add(".kiln/results/" + task.name());
      task.exports().forEach(e -> made.add(clean(e.hostPath())));
    }
    return made;
  }

  private static String clean(String path) {
    String c = Path.of(path).normalize().toString();
    return c.isEmpty() ? "." : c;
  }

  static String suggestion(String name, Set<String> known) {
    var best = Suggestions.closest(name, known);
    if (best.isPresent()) {
      return "did you mean `" + best.get() + "`?";
    }
    return known.isEmpty() ? "the pipeline declares no tasks" : "known tasks: " + String.join(", ", known);
  }
}
