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
 */
public record RunJob(Path workspace, Pipeline pipeline, List<String> tasks, Map<String, String> environment) {
  public RunJob {
    tasks = List.copyOf(tasks);
    environment = Map.copyOf(environment);
  }
}
