package dev.kiln.cli;

/** Kiln's exit codes, the one table every command and script relies on. */
public final class ExitCodes {
  /** Everything asked for succeeded. */
  public static final int OK = 0;
  /** A task failed. */
  public static final int TASK_FAILED = 1;
  /** The pipeline, its parameters or the command line are invalid. */
  public static final int INVALID = 2;
  /** No engine answered, or the engine was lost. */
  public static final int ENGINE_UNREACHABLE = 3;
  /** A bug in Kiln itself. */
  public static final int KILN_BUG = 70;
  /** Interrupted (Ctrl-C). */
  public static final int INTERRUPTED = 130;

  private ExitCodes() {}

  /** The exit code for an error that ended a command. */
  static int of(Throwable error) {
    if (error instanceof dev.kiln.model.PipelineException) {
      return INVALID;
    }
    if (error instanceof dev.kiln.planner.PlanException) {
      return INVALID;
    }
    if (error instanceof dev.kiln.executor.cache.UnsupportedCacheException) {
      return INVALID;
    }
    if (error instanceof dev.kiln.executor.EngineUnavailableException) {
      return ENGINE_UNREACHABLE;
    }
    if (error instanceof dev.kiln.executor.SolveException s && s.cancelled()) {
      return INTERRUPTED;
    }
    if (error instanceof dev.kiln.executor.SolveException) {
      return TASK_FAILED;
    }
    if (error instanceof InterruptedException) {
      return INTERRUPTED;
    }
    return KILN_BUG;
  }
}
