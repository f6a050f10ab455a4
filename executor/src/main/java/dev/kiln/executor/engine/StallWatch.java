package dev.kiln.executor.engine;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tells a stalled engine from a long, quiet step while solves run on a connection ({@link
 * CallPolicy.Liveness}): after a silence it asks the engine a health question, and when that goes
 * unanswered too it cuts the connection, which ends every call on it at once, and keeps why for
 * the error the user gets. Without solves running it does nothing: other calls have deadlines.
 */
final class StallWatch implements AutoCloseable {
  /** The health question: throws the call's error, {@code DEADLINE_EXCEEDED} when unanswered. */
  @FunctionalInterface
  interface Probe {
    void ask();
  }

  private final CallPolicy.Liveness liveness;
  private final Probe probe;
  private final Runnable cut;
  private final ScheduledExecutorService timer;
  private final AtomicLong lastHeard = new AtomicLong(System.nanoTime());
  private final AtomicInteger solving = new AtomicInteger();
  private volatile String stalled;

  /**
   * @param probe the health question, asked on this watch's own thread
   * @param cut closes the connection to the engine
   */
  StallWatch(CallPolicy.Liveness liveness, Probe probe, Runnable cut) {
    this.liveness = liveness;
    this.probe = probe;
    this.cut = cut;
    timer = Executors.newSingleThreadScheduledExecutor(BuildkitConnection.daemonThreads("kiln-stall-watch"));
    long every = Math.max(50, liveness.silence().toMillis() / 10);
    timer.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
  }

  /** {@code in}, read from the engine: every byte that arrives is a sign of life. */
  InputStream listening(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          lastHeard.set(System.nanoTime());
        }
        return n;
      }
    };
  }

  /** A solve starts; the returned handle says when it has ended. */
  Solving solving() {
    if (solving.getAndIncrement() == 0) {
      lastHeard.set(System.nanoTime()); // silence counts from the first solve, not from the last call before it
    }
    return solving::decrementAndGet;
  }

  /** The end of a solve the watch was told of. */
  @FunctionalInterface
  interface Solving extends AutoCloseable {
    @Override
    void close();
  }

  /** Why the engine was found stalled and cut off, or null. */
  String stalled() {
    return stalled;
  }

  private void check() {
    if (solving.get() == 0 || stalled != null
        || System.nanoTime() - lastHeard.get() < liveness.silence().toNanos()) {
      return;
    }
    long asked = System.nanoTime();
    try {
      probe.ask(); // the answer's own bytes count as heard
    } catch (StatusRuntimeException e) {
      // Any answer, even an error, is an engine at work; a lost connection fails the solves itself.
      if (e.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED || lastHeard.get() - asked > 0) {
        return;
      }
      stalled = "the BuildKit engine stopped answering: nothing came from it for " + Dialer.seconds(liveness.silence())
          + " during a solve, and it left a health check (ListWorkers) unanswered for " + Dialer.seconds(liveness.probe());
      cut.run();
    } catch (RuntimeException e) {
      // the connection is closing
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
