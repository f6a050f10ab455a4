package dev.kiln.executor.engine;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How long each kind of engine call may take, and how read-only calls are retried: the one place
 * Kiln's gRPC deadlines are decided ({@link ControlClient} and {@link BridgeClient} apply them).
 * Calls that change the engine's state (Solve, Prune, the gateway's Return) are never retried.
 *
 * @param query ListWorkers, Info and the gateway's Ping
 * @param read reading a solved result (ReadFile, ReadDir, StatFile), resolving an image
 *     configuration, and the gateway's Return
 * @param diskUsage DiskUsage (the engine walks its whole cache)
 * @param prune Prune
 * @param solve one solve with its status stream (Control's and the gateway's Solve), including
 *     the export after a gateway build returns its result
 * @param attempts how often a read-only call is tried while the engine is {@code UNAVAILABLE}
 * @param backoff the wait before the second attempt, doubled before each further one
 * @param answer how long a new connection may wait for the engine's first answer (Docker's HTTP
 *     reply, the HTTP/2 handshake): an engine that accepts connections but says nothing (stopped,
 *     deadlocked) is unreachable after this, not after the first call's deadline
 * @param liveness when a running solve's engine is asked whether it is alive, and how long it has
 *     to answer ({@link Liveness})
 */
public record CallPolicy(Duration query, Duration read, Duration diskUsage, Duration prune, Duration solve,
    int attempts, Duration backoff, Duration answer, Liveness liveness) {

  /**
   * Kiln's defaults. A solve may take 6 hours (the longest job GitHub's hosted runners allow): the
   * deadline only stops a solve the engine forgot, it must never cut a real build short; a stopped
   * engine is found by {@link Liveness} instead, within 30 seconds.
   */
  public static final CallPolicy DEFAULT = new CallPolicy(Duration.ofSeconds(30), Duration.ofSeconds(60),
      Duration.ofMinutes(2), Duration.ofMinutes(30), Duration.ofHours(6), 3, Duration.ofMillis(200),
      Duration.ofSeconds(10), new Liveness(Duration.ofSeconds(10), Duration.ofSeconds(20)));

  /**
   * How a stalled engine is told from a long, quiet step. A solve gets no status while a step prints
   * nothing, so silence alone proves nothing; an engine that also leaves a health call unanswered
   * does not work at all. After {@code silence} without a byte from the engine during a solve,
   * Kiln asks it for its workers (ListWorkers, which reads only the engine's memory) and gives it
   * {@code probe} to answer: a stopped engine is found within {@code silence + probe}.
   *
   * @param silence how long a solve may go without a byte from the engine before it is asked
   * @param probe how long the engine has to answer
   */
  public record Liveness(Duration silence, Duration probe) {
    public Liveness {
      positive(silence);
      positive(probe);
    }
  }

  /** The defaults with other bounds for a connection's first answer and for liveness (tests). */
  public CallPolicy(Duration answer, Liveness liveness) {
    this(DEFAULT.query, DEFAULT.read, DEFAULT.diskUsage, DEFAULT.prune, DEFAULT.solve, DEFAULT.attempts,
        DEFAULT.backoff, answer, liveness);
  }

  public CallPolicy {
    Objects.requireNonNull(liveness, "liveness");
    for (Duration d : new Duration[] {query, read, diskUsage, prune, solve, answer}) {
      positive(d);
    }
    if (Objects.requireNonNull(backoff, "backoff").isNegative() || attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1 and back-off not negative: " + attempts + ", " + backoff);
    }
  }

  private static void positive(Duration d) {
    if (Objects.requireNonNull(d, "deadline").isNegative() || d.isZero()) {
      throw new IllegalArgumentException("deadlines must be positive: " + d);
    }
  }

  /** This policy with another time limit for one solve. */
  public CallPolicy withSolve(Duration solve) {
    return new CallPolicy(query, read, diskUsage, prune, solve, attempts, backoff, answer, liveness);
  }

  /**
   * Makes a read-only call, again after a back-off while the engine answers {@code UNAVAILABLE}
   * (a dropped connection is re-dialled on the next call); any other failure ends it at once. An
   * interrupt during a back-off ends it as {@code CANCELLED}, with the thread's flag restored.
   */
  <T> T retrying(Supplier<T> call) {
    long wait = backoff.toMillis();
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (StatusRuntimeException e) {
        if (attempt >= attempts || e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
          throw e;
        }
        try {
          Thread.sleep(wait);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw Status.CANCELLED.withDescription("interrupted").withCause(ie).asRuntimeException();
        }
        wait *= 2;
      }
    }
  }
}
