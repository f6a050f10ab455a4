package dev.kiln.cli;

import dev.kiln.model.Pipeline;
import dev.kiln.model.TaskDependencies;
import dev.kiln.executor.IgnoreFiles;
import dev.kiln.planner.AffectedTasks;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import picocli.CommandLine.Option;

/** {@code --affected REF}: only the tasks a change since a git ref affects, and those depending on them. */
final class AffectedOption {
  @Option(names = "--affected", paramLabel = "REF",
      description = "Only the tasks whose inputs changed since git REF (e.g. origin/main), and the tasks"
          + " that depend on them.")
  String ref;

  /**
   * The tasks to ask for: {@code requested} (the pipeline's defaults when empty) narrowed to those
   * affected since {@link #ref}, or {@code requested} unchanged without the option. With {@code
   * explain}, says on {@code out} why each task is in or out.
   *
   * @param inputs the files the pipeline's evaluation read
   */
  List<String> select(Pipeline pipeline, List<String> requested, Path project, Set<Path> inputs, boolean explain,
      PrintWriter out) {
    if (ref == null) {
      return requested;
    }
    Path root = project.toAbsolutePath().normalize();
    List<String> changed = GitChanges.since(ref, root);
    Set<String> own = new TreeSet<>();
    for (Path p : inputs) {
      Path abs = p.toAbsolutePath().normalize();
      if (abs.startsWith(root)) {
        own.add(root.relativize(abs).toString().replace('\\', '/'));
      }
    }
    SortedMap<String, String> affected = AffectedTasks.of(pipeline, changed, own, IgnoreFiles.of(pipeline, root, inputs));
    TaskDependencies graph = TaskDependencies.of(pipeline);
    if (!graph.tasks().containsAll(requested)) {
      return requested; // the planner names the unknown task
    }
    List<String> candidates = graph.order(requested.isEmpty() ? graph.tasks() : requested);
    List<String> selected = new ArrayList<>();
    for (String task : candidates) {
      if (affected.containsKey(task)) {
        selected.add(task);
      }
      if (explain) {
        out.println(affected.containsKey(task) ? "affected: " + task + ": " + affected.get(task)
            : "not affected: " + task + ": none of its inputs changed since " + ref);
      }
    }
    return selected;
  }
}
