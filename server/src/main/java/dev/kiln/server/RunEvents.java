package dev.kiln.server;

/** What a run reports while it goes on; text arrives masked. Called from several threads. */
public interface RunEvents {
  /** A task started. */
  void taskStarted(String task);

  /** A step of {@code task} (by its digest) started, came from the cache or completed. */
  void step(String task, String digest, boolean cached, boolean completed);

  /** A line of output of {@code task}. */
  void log(String task, String line);

  /**
   * A task ended.
   *
   * @param status {@code succeeded}, {@code failed}, {@code cancelled} or {@code skipped}
   * @param exitCode a failed command's exit code, or null
   * @param error why it failed, or null
   */
  void taskFinished(String task, String status, long durationMs, Integer exitCode, String error);
}
