package dev.kiln.server;

/**
 * Runs a checked-out commit's pipeline on the engine as {@code kiln run} would: the server's one use
 * of the executor, behind an interface so that the queue, history and web page can be tested with
 * runs that need no engine.
 */
public interface EngineRuns {
  /**
   * Runs {@code job} and returns when every task has ended, or when {@code cancellation} stopped it.
   * Output and errors reach {@code events} masked.
   *
   * @return how the run ended, with {@code kiln run}'s exit code
   */
  RunOutcome run(RunJob job, RunEvents events, Cancellation cancellation);
}
