package dev.kiln.server;

import dev.kiln.model.Pipeline;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a run executes.
 *
 * @param workspace the checked-out commit: the project root of local sources, exports and results
 * @param pipeline the commit's pipeline, evaluated with the trigger's parameters
 * @param tasks the tasks to run (with what they depend on)
 * @param environment where the pipeline's secrets are read from (the server's, or none)
 * @param labels what the run is (its id, event, branch, commit), for its trace
 */
public record RunJob(Path workspace, Pipeline pipeline, List<String> tasks, Map<String, String> environment,
    Map<String, String> labels) {
  public RunJob {
    tasks = List.copyOf(tasks);
    environment = Map.copyOf(environment);
    labels = Map.copyOf(labels);
  }
}
