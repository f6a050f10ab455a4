package dev.kiln.cli;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;

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
      long jvmStartToMain = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
      err.printf("kiln: timing: jvm start %d ms%n", jvmStartToMain);
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
