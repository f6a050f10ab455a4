package dev.kiln.function;

import java.nio.file.Path;

/** What a function call may see and report: the project, its inputs, a log. */
public interface FunctionContext {
  /** The project root: the directory holding {@code pipeline.pkl}. */
  Path projectRoot();

  /**
   * Resolves {@code path} against the project root, refusing paths that leave it (functions see
   * only the project, like the pipeline itself).
   *
   * @throws FunctionException when {@code path} is absolute or escapes the project root
   */
  Path resolve(String path) throws FunctionException;

  /**
   * Says that the result depends on {@code file}'s contents. Kiln reuses an evaluation only while
   * every such file is unchanged; evaluation-time functions that read files must call this.
   */
  void dependsOn(Path file);

  /**
   * Says that the result depends on something Kiln cannot watch (the clock, a repository's
   * state): the evaluation is then never reused.
   */
  void uncacheable();

  /** Writes a line to the run's log (run-time functions) or Kiln's diagnostics (evaluation). */
  void log(String message);
}
