package dev.kiln.cli;

/** Entry point of the {@code kiln} command. */
public final class Main {
  // Held: java.util.logging keeps loggers weakly, and a collected logger loses its level.
  private static final java.util.logging.Logger NETTY_BOOTSTRAP = java.util.logging.Logger.getLogger("io.netty.bootstrap");

  private Main() {}

  public static void main(String[] args) {
    // grpc-java sets TCP options on the in-JVM channels that carry its HTTP/2; Netty logs each.
    NETTY_BOOTSTRAP.setLevel(java.util.logging.Level.SEVERE);
    System.exit(Kiln.commandLine(args).execute(args));
  }
}
