package dev.kiln.cli;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where the libraries' java.util.logging records go: nowhere. grpc-java and Netty log through it
 * (a connection the engine closed mid-write, a stream reset as a run ends) with stack traces, on
 * stderr by default; Kiln reports what matters to the user itself (engine lost, stalled,
 * unreachable), and nothing else may reach the terminal. Kiln's own code does not use it.
 */
final class LibraryLogs {
  // Held: java.util.logging keeps loggers weakly, and a collected logger loses its level.
  private static final Logger ROOT = Logger.getLogger("");

  private LibraryLogs() {}

  /** Removes every handler of the root logger and turns it off; call once, first thing. */
  static void silence() {
    for (Handler h : ROOT.getHandlers()) {
      ROOT.removeHandler(h);
    }
    ROOT.setLevel(Level.OFF);
  }
}
