package dev.kiln.planner;

import dev.kiln.model.FunctionCall;
import dev.kiln.model.TaskLimits;
import java.util.List;
import java.util.Objects;

/**
 * A task after its containers were lowered and before it was marshalled: the model's task in
 * LLB terms. Package-private; {@link PlannedTask} is the public result.
 *
 * @param run the container whose operations must execute, or null
 * @param exports directories or files to copy out to the host
 * @param publish the image to push, or null
 * @param call the run-time function the task calls, or null
 * @param inputs the call's file and directory arguments, lowered
 * @param limits the task's timeout and retries, as the model gives them
 * @param reports where the run's JUnit reports are, or null
 */
record LoweredTask(
    String name, String description, List<String> dependsOn, ContainerState run,
    List<Export> exports, Publish publish, List<String> results, FunctionCall call, List<Input> inputs,
    TaskLimits limits, Reports reports) {

  /**
   * {@code source} (a directory or a file) written to host path {@code hostPath}.
   *
   * @param path the path in the container, as the pipeline wrote it
   */
  record Export(DirRef source, String path, String hostPath) {}

  /** The file or directory {@code source} passed as the call's argument {@code param}. */
  record Input(String param, DirRef source, boolean directory) {}

  /** The {@code paths} of JUnit reports in {@code tested}: the run before its last step re-raises the tests' exit code. */
  record Reports(ContainerState tested, List<String> paths) {}

  /**
   * {@code container} pushed as {@code ref}; or, with {@code platforms}, the container built for
   * each of them, pushed as one image index at {@code ref}.
   */
  record Publish(ContainerState container, String ref, List<PlatformImage> platforms) {
    Publish {
      platforms = List.copyOf(platforms);
    }
  }

  /** The container built for {@code platform} ({@code os/arch[/variant]}). */
  record PlatformImage(String platform, ContainerState container) {}

  LoweredTask {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    dependsOn = List.copyOf(dependsOn);
    exports = List.copyOf(exports);
    results = List.copyOf(results);
    inputs = List.copyOf(inputs);
  }
}
