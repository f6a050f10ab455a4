package dev.kiln.server;

import java.util.ArrayList;
import java.util.List;

/** Cancels one run from another thread: a newer push superseded it, or the server stops. */
public final class Cancellation {
  private final List<Runnable> actions = new ArrayList<>();
  private String reason;

  /** Runs {@code action} when the run is cancelled (at once if it already is). */
  public void onCancel(Runnable action) {
    synchronized (this) {
      if (reason == null) {
        actions.add(action);
        return;
      }
    }
    action.run();
  }

  /** Cancels the run, saying why; later calls do nothing. */
  public void cancel(String why) {
    List<Runnable> run;
    synchronized (this) {
      if (reason != null) {
        return;
      }
      reason = why;
      run = List.copyOf(actions);
      actions.clear();
    }
    run.forEach(Runnable::run);
  }

  /** Whether the run was cancelled. */
  public synchronized boolean cancelled() {
    return reason != null;
  }

  /** Why the run was cancelled, or null. */
  public synchronized String reason() {
    return reason;
  }
}
