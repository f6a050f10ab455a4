package dev.kiln.cli;

/** Entry point of the {@code kiln} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // grpc-java sets TCP options on the in-JVM channels that carry its HTTP/2; Netty logs each.
    java.util.logging.Logger.getLogger("io.netty.bootstrap").setLevel(java.util.logging.Level.SEVERE);
    System.exit(Kiln.commandLine().execute(args));
  }
}
