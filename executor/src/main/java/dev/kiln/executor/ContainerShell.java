package dev.kiln.executor;

import dev.kiln.executor.engine.ContainerProcess;
import dev.kiln.executor.engine.GatewayContainer;
import dev.kiln.executor.engine.ProcessExit;
import dev.kiln.executor.engine.ProcessSpec;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** An interactive {@code /bin/sh} in a container, attached to the user's {@link Terminal} until it exits. */
final class ContainerShell {
  private ContainerShell() {}

  /**
   * Runs the shell with {@code env}, {@code cwd} and {@code user} in {@code container} and returns
   * how it ended; the terminal is in raw mode meanwhile and restored after.
   */
  static ProcessExit run(GatewayContainer container, Terminal terminal, List<String> env, String cwd, String user) {
    try (Terminal.Raw raw = terminal.raw()) {
      ContainerProcess shell = container.start(new ProcessSpec(List.of("/bin/sh"), env, cwd.isEmpty() ? "/" : cwd,
          user, true, true), terminal.output(), terminal.output());
      Terminal.Size size = terminal.size();
      shell.resize(size.rows(), size.cols());
      terminal.onResize(() -> {
        Terminal.Size s = terminal.size();
        shell.resize(s.rows(), s.cols());
      });
      Thread keys = new Thread(() -> pump(terminal.input(), shell), "kiln-shell-input");
      keys.setDaemon(true); // blocked reading the terminal when the shell exits; nothing reads after
      keys.start();
      return shell.waitFor();
    }
  }

  private static void pump(InputStream in, ContainerProcess shell) {
    byte[] buf = new byte[4096];
    try {
      int n;
      while ((n = in.read(buf)) >= 0 && !shell.exit().isDone()) {
        shell.write(buf, 0, n);
      }
      shell.closeStdin();
    } catch (IOException e) {
      shell.closeStdin();
    }
  }
}
