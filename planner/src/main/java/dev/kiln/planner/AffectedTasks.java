package dev.kiln.planner;

import dev.kiln.model.Directory;
import dev.kiln.model.ModelGraph;
import dev.kiln.model.Pipeline;
import dev.kiln.model.Task;
import dev.kiln.model.TaskDependencies;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The tasks a change affects ({@code kiln run --affected REF}): those that read a changed file
 * through a host directory (with its include and exclude patterns and its ignore files, so a file
 * the engine never receives changes nothing), and every task that depends on
 * one of them. A change to a file the pipeline's evaluation read (the pipeline, its imports, data
 * it reads) affects every task. Decided from the model alone: the caller lists the changed files.
 */
public final class AffectedTasks {
  private AffectedTasks() {}

  /**
   * Each affected task with why, by task name.
   *
   * @param changed the changed files, relative to the project root ({@code /} separated)
   * @param pipelineInputs the files the evaluation read, relative to the project root
   * @param ignoreFiles each host directory's ignore patterns, by the name the pipeline gives it
   */
  public static SortedMap<String, String> of(Pipeline pipeline, Collection<String> changed,
      Collection<String> pipelineInputs, Map<String, HostIgnores> ignoreFiles) {
    SortedMap<String, String> why = new TreeMap<>();
    Optional<String> own = changed.stream().filter(pipelineInputs::contains).sorted().findFirst();
    if (own.isPresent()) {
      pipeline.tasks().keySet().forEach(t -> why.put(t, "the pipeline's input " + own.get() + " changed"));
      return why;
    }
    for (Task task : pipeline.tasks().values()) {
      reads(task, changed, ignoreFiles).ifPresent(file -> why.put(task.name(), "reads " + file + ", which changed"));
    }
    // Dependents of an affected task, in the order tasks run: each reaches its dependencies first.
    TaskDependencies graph = TaskDependencies.of(pipeline);
    for (String t : graph.order(graph.tasks())) {
      if (!why.containsKey(t)) {
        for (String dep : pipeline.tasks().get(t).dependsOn()) {
          if (why.containsKey(dep)) {
            why.put(t, "depends on " + dep + ", which is affected");
            break;
          }
        }
      }
    }
    return why;
  }

  /** The first changed file {@code task} reads through one of its host directories. */
  private static Optional<String> reads(Task task, Collection<String> changed, Map<String, HostIgnores> ignoreFiles) {
    List<Directory.Host> hosts = new ArrayList<>();
    for (Object node : ModelGraph.outerFirst(ModelGraph.roots(task))) {
      if (node instanceof Directory d && d.base() instanceof Directory.Host h) {
        hosts.add(h);
      }
    }
    return changed.stream().sorted().filter(file -> hosts.stream().anyMatch(h -> within(h, file,
        ignoreFiles.getOrDefault(LocalSources.name(h.path()), HostIgnores.NONE)))).findFirst();
  }

  /**
   * Whether {@code file} (project-relative) is in host directory {@code h}, after its patterns and
   * {@code ignore}, applied in the order the planner sends them (ignore files first).
   */
  static boolean within(Directory.Host h, String file, HostIgnores ignore) {
    String dir = LocalSources.name(h.path());
    String relative;
    if (dir.equals(".")) {
      relative = file;
    } else if (file.startsWith(dir + "/")) {
      relative = file.substring(dir.length() + 1);
    } else {
      return false;
    }
    Path p = Path.of(relative);
    boolean included = h.include().isEmpty() || h.include().stream().anyMatch(g -> matches(g, p));
    return included && !ignore.compiled(h.gitignore(), h.exclude()).matches(relative);
  }

  /**
   * Whether {@code pattern} matches {@code p} or a directory above it (a directory's pattern covers
   * what is in it); a leading double star also matches at the top, as in Docker's patterns.
   */
  private static boolean matches(String pattern, Path p) {
    String g = IgnoreFile.clean(pattern);
    List<PathMatcher> ms = new ArrayList<>(List.of(FileSystems.getDefault().getPathMatcher("glob:" + g)));
    if (g.startsWith("**/")) {
      ms.add(FileSystems.getDefault().getPathMatcher("glob:" + g.substring(3)));
    }
    for (Path at = p; at != null; at = at.getParent()) {
      for (PathMatcher m : ms) {
        if (m.matches(at)) {
          return true;
        }
      }
    }
    return false;
  }
}
