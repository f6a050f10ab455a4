package dev.kiln.cli;

import dev.kiln.executor.CancelledException;
import dev.kiln.executor.EngineException;
import dev.kiln.executor.EngineUnavailableException;
import dev.kiln.executor.SolveException;
import dev.kiln.executor.auth.RegistryCredentialsException;
import dev.kiln.executor.cache.UnsupportedCacheException;
import dev.kiln.executor.trace.TracingException;
import dev.kiln.model.PipelineException;
import dev.kiln.planner.PlanException;
import dev.kiln.server.HistoryException;

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

  /** The exit code for an error that ended a command: its type decides, anything unknown is a bug. */
  static int of(Throwable error) {
    if (error instanceof PipelineException || error instanceof PlanException
        || error instanceof UnsupportedCacheException || error instanceof RegistryCredentialsException) {
      return INVALID;
    }
    if (error instanceof HistoryException || error instanceof TracingException) {
      return INVALID;
    }
    if (error instanceof EngineUnavailableException) {
      return ENGINE_UNREACHABLE;
    }
    if (error instanceof SolveException s) {
      return s.cancelled() ? INTERRUPTED : TASK_FAILED;
    }
    if (error instanceof EngineException) {
      return TASK_FAILED;
    }
    if (error instanceof CancelledException || error instanceof InterruptedException) {
      return INTERRUPTED;
    }
    return KILN_BUG; // a KilnBugException, or an exception no module translated
  }
}
