package dev.kiln.executor;

import dev.kiln.planner.PlannedTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a run's tasks leave on the host: their results (for the placeholders of later calls, and in
 * {@code .kiln/results/<task>/}) and their exports, installed under the project only once complete.
 */
final class ResultStore {
  /** The largest result a task or a function may return: results are small values, not artifacts. */
  static final int MAX_RESULT = 64 * 1024;

  /** Receives a solve's local export into a directory. */
  @FunctionalInterface
  interface Receiver {
    void receiveInto(Path directory) throws IOException;
  }

  private final Path projectRoot;
  /** The results of the tasks that succeeded so far, by task. */
  private final Map<String, Map<String, String>> results = new ConcurrentHashMap<>();

  ResultStore(Path projectRoot) {
    this.projectRoot = projectRoot;
  }

  /** Keeps a succeeded task's results for the tasks after it. */
  void record(TaskOutcome outcome) {
    if (outcome.status() == TaskOutcome.Status.SUCCEEDED) {
      results.put(outcome.task(), outcome.results());
    }
  }

  /** The results of the tasks that succeeded so far, by task and name. */
  Map<String, Map<String, String>> upstream() {
    return Map.copyOf(results);
  }

  /** {@code .kiln/results/<task>/<name>}, replaced whole, where later tasks can read them. */
  void write(String task, Map<String, String> values) throws IOException {
    Path dest = projectRoot.resolve(".kiln/results").resolve(task);
    Path staging = ExportInstaller.staging(dest);
    try {
      Files.createDirectories(staging);
      for (Map.Entry<String, String> r : values.entrySet()) {
        Files.writeString(staging.resolve(r.getKey()), r.getValue());
      }
      ExportInstaller.install(staging, dest);
    } finally {
      ExportInstaller.deleteTree(staging);
    }
  }

  /**
   * Installs an export's path at its destination under the project: {@code solve} receives it into
   * a staging directory beside the destination, which replaces the destination only when complete.
   */
  void export(PlannedTarget target, Receiver solve) throws IOException {
    Path destination = projectRoot.resolve(target.destination());
    Path staging = ExportInstaller.staging(destination);
    try {
      solve.receiveInto(staging);
      Path received = staging.resolve(Path.of(target.path()).getFileName().toString());
      if (!Files.exists(received, LinkOption.NOFOLLOW_LINKS)) {
        throw SolveException.failed("export of " + target.path() + " produced nothing",
            "check that the path exists in the container", null);
      }
      ExportInstaller.install(received, destination);
    } finally {
      ExportInstaller.deleteTree(staging);
    }
  }
}
