package dev.kiln.server;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wakes the readers that follow runs live (the web page's event streams) when a run has news: a
 * line, a task, a status. Readers then read the history from where they were, so nothing is lost
 * between wake-ups; a version per run tells them whether anything changed.
 */
final class LiveRuns {
  private final ConcurrentHashMap<Long, AtomicLong> versions = new ConcurrentHashMap<>();

  /** Run {@code run} has news. */
  void changed(long run) {
    AtomicLong v = versions.computeIfAbsent(run, r -> new AtomicLong());
    synchronized (v) {
      v.incrementAndGet();
      v.notifyAll();
    }
  }

  /** The current version of {@code run}'s news. */
  long version(long run) {
    return versions.computeIfAbsent(run, r -> new AtomicLong()).get();
  }

  /** Waits until {@code run} has news after {@code seen}, or {@code timeout} passes; returns the version then. */
  long await(long run, long seen, Duration timeout) throws InterruptedException {
    AtomicLong v = versions.computeIfAbsent(run, r -> new AtomicLong());
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (v) {
      while (v.get() == seen) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        v.wait(Math.max(1, left / 1_000_000));
      }
      return v.get();
    }
  }

  /** Forgets a finished run (its readers read the history to the end and stop). */
  void forget(long run) {
    changed(run);
    versions.remove(run);
  }
}
