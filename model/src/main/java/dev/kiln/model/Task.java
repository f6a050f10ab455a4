package dev.kiln.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A task: ordering ({@code dependsOn}), a container to run, paths to export, an image to publish,
 * or a run-time function to call.
 *
 * @param run the container whose operations must execute, or null
 * @param exports container paths of {@code run} copied to host paths
 * @param publish the container to push as {@code ref}, or null
 * @param location where the task is declared, or null
 * @param results the names of the values the task produces: those its run writes under {@code
 *     /kiln/results/}, or for a call, those its function's signature declares
 * @param call the run-time function the task calls instead of running a container, or null
 * @param limits the task's timeout and retries
 * @param reports paths of {@code run}'s container where its last command writes JUnit XML reports,
 *     collected whether or not that command succeeds
 * @param platforms the platforms ({@code os/arch[/variant]}) {@code publish} is built for and pushed
 *     as one image index; empty for one image of the container's own platform
 */
public record Task(
    String name, String description, List<String> dependsOn, Container run, List<Export> exports,
    Container publish, String ref, SourceLocation location, List<String> results, FunctionCall call,
    TaskLimits limits, List<String> reports, List<String> platforms) {

  /** A task that publishes for at most one platform. */
  public Task(String name, String description, List<String> dependsOn, Container run, List<Export> exports,
      Container publish, String ref, SourceLocation location, List<String> results, FunctionCall call,
      TaskLimits limits, List<String> reports) {
    this(name, description, dependsOn, run, exports, publish, ref, location, results, call, limits, reports,
        List.of());
  }

  /** A task without limits or reports. */
  public Task(String name, String description, List<String> dependsOn, Container run, List<Export> exports,
      Container publish, String ref, SourceLocation location, List<String> results, FunctionCall call) {
    this(name, description, dependsOn, run, exports, publish, ref, location, results, call, TaskLimits.NONE,
        List.of());
  }

  /** A task with no results. */
  public Task(String name, String description, List<String> dependsOn, Container run, List<Export> exports,
      Container publish, String ref, SourceLocation location) {
    this(name, description, dependsOn, run, exports, publish, ref, location, List.of(), null);
  }

  /** A task that calls no function. */
  public Task(String name, String description, List<String> dependsOn, Container run, List<Export> exports,
      Container publish, String ref, SourceLocation location, List<String> results) {
    this(name, description, dependsOn, run, exports, publish, ref, location, results, null);
  }

  /** The result of a publishing task holding the pushed manifest's digest ({@code sha256:...}). */
  public static final String DIGEST_RESULT = "digest";
  /** The result of a publishing task holding the pushed reference pinned to its digest ({@code ref@sha256:...}). */
  public static final String REF_RESULT = "ref";

  /** {@code path} of the run container written to {@code hostPath}. */
  public record Export(String path, String hostPath) {}

  public Task {
    results = List.copyOf(results);
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    dependsOn = List.copyOf(dependsOn);
    exports = List.copyOf(exports);
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(limits, "limits");
    reports = List.copyOf(reports);
    platforms = List.copyOf(platforms);
  }

  /**
   * Every result the task gives, the names later tasks and calls may use: its own {@link #results},
   * and for a publishing task {@link #DIGEST_RESULT} and {@link #REF_RESULT}.
   */
  public List<String> givenResults() {
    if (publish == null) {
      return results;
    }
    var all = new ArrayList<>(results);
    all.add(DIGEST_RESULT);
    all.add(REF_RESULT);
    return List.copyOf(all);
  }

  /** A task that runs {@code container}. */
  public static Task run(String name, Container container) {
    return new Task(name, "", List.of(), container, List.of(), null, "", null);
  }

  /** A task that calls {@code call}, producing {@code results}. */
  public static Task calling(String name, FunctionCall call, String... results) {
    return new Task(name, "", List.of(), null, List.of(), null, "", null, List.of(results), call);
  }

  /** This task after {@code tasks}. */
  public Task withDependsOn(String... tasks) {
    return new Task(name, description, List.of(tasks), run, exports, publish, ref, location,
        results, call, limits, reports, platforms);
  }

  /** This task with {@code path} exported to {@code hostPath}. */
  public Task withExport(String path, String hostPath) {
    var all = new ArrayList<>(exports);
    all.add(new Export(path, hostPath));
    return new Task(name, description, dependsOn, run, all, publish, ref, location,
        results, call, limits, reports, platforms);
  }

  /** This task with a description. */
  public Task withDescription(String description) {
    return new Task(name, description, dependsOn, run, exports, publish, ref, location,
        results, call, limits, reports, platforms);
  }

  /** This task with {@code results} as the names of the values it produces. */
  public Task withResults(List<String> results) {
    return new Task(name, description, dependsOn, run, exports, publish, ref, location,
        results, call, limits, reports, platforms);
  }

  /** This task with JUnit reports collected from {@code paths}. */
  public Task withReports(List<String> paths) {
    return new Task(name, description, dependsOn, run, exports, publish, ref, location,
        results, call, limits, paths, platforms);
  }

  /** This task with {@code limits}. */
  public Task withLimits(TaskLimits limits) {
    return new Task(name, description, dependsOn, run, exports, publish, ref, location,
        results, call, limits, reports, platforms);
  }

  /** This task publishing for each of {@code platforms}, as one image index. */
  public Task withPlatforms(String... platforms) {
    return new Task(name, description, dependsOn, run, exports, publish, ref, location,
        results, call, limits, reports, List.of(platforms));
  }
}
