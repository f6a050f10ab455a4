package dev.kiln.evaluator.model;

import dev.kiln.evaluator.SourceLocation;
import java.util.List;
import java.util.Objects;

/**
 * A task: ordering ({@code dependsOn}), a container to run, paths to export, an image to publish.
 *
 * @param run the container whose operations must execute, or null
 * @param exports container paths of {@code run} copied to host paths
 * @param publish the container to push as {@code ref}, or null
 * @param location where the task is declared, or null
 */
public record Task(
    String name, String description, List<String> dependsOn, Container run, List<Export> exports,
    Container publish, String ref, SourceLocation location, List<String> results)
    implements java.io.Serializable {

  /** A task with no results. */
  public Task(String name, String description, List<String> dependsOn, Container run, List<Export> exports,
      Container publish, String ref, SourceLocation location) {
    this(name, description, dependsOn, run, exports, publish, ref, location, List.of());
  }

  /** {@code path} of the run container written to {@code hostPath}. */
  public record Export(String path, String hostPath) implements java.io.Serializable {}

  public Task {
    results = List.copyOf(results);
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    dependsOn = List.copyOf(dependsOn);
    exports = List.copyOf(exports);
    Objects.requireNonNull(ref, "ref");
  }

  /** A task that runs {@code container}. */
  public static Task run(String name, Container container) {
    return new Task(name, "", List.of(), container, List.of(), null, "", null);
  }

  /** This task after {@code tasks}. */
  public Task withDependsOn(String... tasks) {
    return new Task(name, description, List.of(tasks), run, exports, publish, ref, location, results);
  }

  /** This task with {@code path} exported to {@code hostPath}. */
  public Task withExport(String path, String hostPath) {
    var all = new java.util.ArrayList<>(exports);
    all.add(new Export(path, hostPath));
    return new Task(name, description, dependsOn, run, all, publish, ref, location, results);
  }

  /** This task publishing {@code container} as {@code ref}. */
  public Task withPublish(Container container, String ref) {
    return new Task(name, description, dependsOn, run, exports, container, ref, location, results);
  }

  /** This task with a description. */
  public Task withDescription(String description) {
    return new Task(name, description, dependsOn, run, exports, publish, ref, location, results);
  }
}
