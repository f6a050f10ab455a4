package dev.kiln.server;

import dev.kiln.model.FunctionRegistry;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A server in a process of its own, for a test to kill: {@code DATA_DIR REPO TOKEN SECRET}. One run
 * at a time, older runs not cancelled by newer pushes; the port is written to {@code DATA_DIR/port}.
 */
final class ServerProcess {
  private ServerProcess() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    ServerSettings settings = ServerSettings.builder(data, args[1], args[2]).setListen("127.0.0.1", 0)
        .setSecret(WebhookSource.GITHUB, WebhookSecret.of(args[3])).setRuns(1, false).build();
    KilnServer server = KilnServer.start(settings, new ExecutorRuns(null, 2, FunctionRegistry::builtIn),
        System.err::println);
    Files.writeString(data.resolve("port.tmp"), Integer.toString(server.port()));
    Files.move(data.resolve("port.tmp"), data.resolve("port"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    Thread.currentThread().join(); // until killed
  }
}
