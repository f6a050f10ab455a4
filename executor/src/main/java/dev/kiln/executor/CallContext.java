package dev.kiln.executor;

import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;
import dev.kiln.model.ProjectPaths;
import java.nio.file.Path;
import java.util.function.Consumer;

/** What a run-time function sees of the run: the project (and nothing above it) and the task's log. */
final class CallContext implements FunctionContext {
  private final Path root;
  private final Consumer<String> log;

  /** @param log receives each line the function logs (the listeners mask secrets) */
  CallContext(Path projectRoot, Consumer<String> log) {
    this.root = projectRoot.toAbsolutePath().normalize();
    this.log = log;
  }

  @Override
  public Path projectRoot() {
    return root;
  }

  @Override
  public Path resolve(String path) throws FunctionException {
    return ProjectPaths.resolve(root, path);
  }

  @Override
  public void dependsOn(Path file) {
    // A run-time call runs on every run: there is no evaluation to reuse.
  }

  @Override
  public void uncacheable() {
    // As above.
  }

  @Override
  public void log(String message) {
    if (message != null) {
      message.lines().forEach(log);
    }
  }
}
