package dev.kiln.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Base of tests that run Kiln's command line in-process and read what it printed. */
abstract class KilnInProcess {
  /** What the last {@link #kiln} printed on standard output. */
  protected StringWriter out = new StringWriter();
  /** What the last {@link #kiln} printed on standard error. */
  protected StringWriter err = new StringWriter();

  /** Runs {@code kiln args}, with fresh output, and returns its exit code. */
  protected int kiln(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    return Kiln.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), args, DockerEngine.environment())
        .execute(args);
  }
}
