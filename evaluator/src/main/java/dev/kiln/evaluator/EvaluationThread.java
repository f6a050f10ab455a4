package dev.kiln.evaluator;

import dev.kiln.model.KilnException;
import dev.kiln.model.PipelineException;
import dev.kiln.model.SourceLocation;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs one evaluation in a thread of its own, under a deadline and a heap ceiling that hold even
 * when Pkl does not cooperate: Pkl's own timeout cancels only Truffle code, so a blocking read or a
 * Java loop (exporting a value shared exponentially often) runs on past it. Past either limit the
 * caller gets a {@link PipelineException} while the thread, a daemon, is interrupted, its Pkl
 * evaluator closed, and then abandoned (Java has no safe way to stop it; a CLI exits right after).
 * A {@link Error} the evaluation throws (a stack overflow, a string longer than the JVM allows)
 * becomes a {@link PipelineException} too: the pipeline is too big or too deep to evaluate.
 */
final class EvaluationThread {
  /** How often the heap is looked at while an evaluation runs. */
  private static final long POLL_MILLIS = 50;
  /** Time between forced collections, as a multiple of how long the last one took. */
  private static final long GC_SPACING = 10;
  /** Past Pkl's own timeout, which gives the better message when it works. */
  private static final Duration GRACE = Duration.ofSeconds(2);

  /**
   * What an evaluation may use.
   *
   * @param timeout wall-clock time for the whole evaluation
   * @param maxHeapBytes heap in use (after a collection) beyond which the evaluation is stopped
   * @param stackBytes the evaluation thread's stack
   */
  record Limits(Duration timeout, long maxHeapBytes, long stackBytes) {
    /** Default heap ceiling: 2 GiB, or three quarters of the JVM's maximum heap if that is less. */
    static long defaultMaxHeap() {
      long max = Runtime.getRuntime().maxMemory();
      return Math.min(2L << 30, max == Long.MAX_VALUE ? 2L << 30 : max / 4 * 3);
    }
  }

  private EvaluationThread() {}

  /**
   * The result of {@code work}, run under {@code limits}; {@code abandon} is called (on a thread of
   * its own, as it may block) when the evaluation is given up; errors are located at {@code where}.
   *
   * @throws KilnException what {@code work} threw, or a {@link PipelineException} for a limit or an
   *     {@link Error}
   */
  static <T> T run(Supplier<T> work, Limits limits, Runnable abandon, SourceLocation where) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread thread = new Thread(null, () -> {
      try {
        result.complete(work.get());
      } catch (Throwable t) { // an Error too: it must reach the caller, not the default handler
        result.completeExceptionally(t);
      }
    }, "kiln-evaluation", limits.stackBytes());
    thread.setDaemon(true);
    thread.start();
    long deadline = System.nanoTime() + limits.timeout().plus(GRACE).toNanos();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long lastCollection = 0;
    long collectionNanos = 0;
    try {
      while (true) {
        try {
          T value = result.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
          // A fast evaluation can pass the ceiling between two looks; what it holds on to at the
          // end (its value) still counts.
          if (memory.getHeapMemoryUsage().getUsed() > limits.maxHeapBytes()) {
            System.gc();
            if (memory.getHeapMemoryUsage().getUsed() > limits.maxHeapBytes()) {
              throw tooBig(limits.maxHeapBytes(), where);
            }
          }
          return value;
        } catch (TimeoutException e) {
          // still running: check the limits
        }
        if (System.nanoTime() - deadline > 0) {
          stop(thread, abandon);
          throw timedOut(limits.timeout(), where);
        }
        if (memory.getHeapMemoryUsage().getUsed() > limits.maxHeapBytes()) {
          // Used includes garbage: only what survives a collection counts. Collections are spaced
          // by ten times what the last one took (at most a tenth of the time goes to them), not by
          // a fixed period an evaluation on a fast machine could fit in between.
          if (System.nanoTime() - lastCollection > GC_SPACING * collectionNanos) {
            lastCollection = System.nanoTime();
            System.gc();
            collectionNanos = System.nanoTime() - lastCollection;
            if (memory.getHeapMemoryUsage().getUsed() > limits.maxHeapBytes()) {
              stop(thread, abandon);
              throw tooBig(limits.maxHeapBytes(), where);
            }
          }
        }
      }
    } catch (InterruptedException e) {
      stop(thread, abandon);
      Thread.currentThread().interrupt();
      throw new PipelineException("evaluation was interrupted", where, null, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw EvaluatorFailures.of(e.getCause(), where);
    }
  }

  private static void stop(Thread thread, Runnable abandon) {
    thread.interrupt();
    Thread closer = new Thread(abandon, "kiln-evaluation-abandon");
    closer.setDaemon(true);
    closer.start();
  }

  private static PipelineException timedOut(Duration timeout, SourceLocation where) {
    return new PipelineException("evaluation did not finish within " + seconds(timeout), where,
        "something the pipeline reads blocks (a pipe or a device) or a computation grows without bound"
            + " (a value built from itself many times over)");
  }

  private static PipelineException tooBig(long bytes, SourceLocation where) {
    return new PipelineException("evaluation used more than " + (bytes >> 20) + " MiB of memory and was stopped",
        where, "a value grows without bound: a very large string or collection, or a value built from"
            + " itself many times over");
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
  }
}
