package dev.kiln.server;

import java.util.Locale;

/** Where a run of the history stands. */
public enum RunStatus {
  /** Accepted, waiting for a free slot. */
  QUEUED,
  /** Checking out, evaluating or running on the engine. */
  RUNNING,
  SUCCEEDED,
  /** A task failed. */
  FAILED,
  /** Superseded by a newer push to its branch, or cancelled by the server's shutdown. */
  CANCELLED,
  /** No trigger of the commit's pipeline matches the event. */
  SKIPPED,
  /** The run could not start: the commit cannot be checked out, the pipeline is invalid, the engine is unreachable. */
  ERROR,
  /** The server stopped while it ran. */
  INTERRUPTED;

  /** Whether the run is over. */
  public boolean finished() {
    return this != QUEUED && this != RUNNING;
  }

  /** The name the database and the web page use. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The status with this {@link #label}. */
  public static RunStatus of(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }
}
