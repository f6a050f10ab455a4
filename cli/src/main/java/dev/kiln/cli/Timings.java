package dev.kiln.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/**
 * Phase timings of one command, printed to standard error when {@code KILN_TIMINGS=1}: where a
 * run's time goes (JVM start, evaluation, engine probe, planning, solves) without a profiler.
 */
final class Timings {
  private final boolean enabled;
  private final PrintStream err;
  private long last = System.nanoTime();

  private Timings(boolean enabled, PrintStream err) {
    this.enabled = enabled;
    this.err = err;
    if (enabled) {
      // From the launcher's clock when it passed one (so its own time counts), else from the
      // process's start; not from the JVM's management beans, which would add their start-up.
      String launched = System.getenv("KILN_LAUNCHED_NS");
      long sinceStart;
      if (launched != null && launched.matches("[0-9]+")) {
        Instant now = Instant.now();
        sinceStart = (now.getEpochSecond() * 1_000_000_000L + now.getNano() - Long.parseLong(launched)) / 1_000_000;
      } else {
        sinceStart = ProcessHandle.current().info().startInstant()
            .map(t -> Duration.between(t, Instant.now()).toMillis()).orElse(-1L);
      }
      err.printf("kiln: timing: start %d ms%n", sinceStart);
    }
  }

  static Timings fromEnvironment() {
    return new Timings("1".equals(System.getenv("KILN_TIMINGS")), System.err);
  }

  /** Ends the phase {@code name}, printing its duration. */
  void mark(String name) {
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    err.printf("kiln: timing: %s %d ms%n", name, (now - last) / 1_000_000);
    last = now;
  }
}
