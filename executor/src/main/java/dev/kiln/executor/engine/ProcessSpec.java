package dev.kiln.executor.engine;

import java.util.List;
import java.util.Objects;

/**
 * A process to run in a {@link GatewayContainer}.
 *
 * @param args the command and its arguments (not through a shell)
 * @param env {@code NAME=value} entries; the engine adds a default {@code PATH}, and {@code
 *     TERM=xterm} with a terminal
 * @param cwd the working directory
 * @param user the user (name or uid[:gid]); empty is the image's default (root)
 * @param tty whether the process gets a terminal: its output then all comes as stdout
 * @param stdin whether the process reads what {@link ContainerProcess#write} sends; without,
 *     its stdin is empty
 */
public record ProcessSpec(List<String> args, List<String> env, String cwd, String user, boolean tty, boolean stdin) {
  public ProcessSpec {
    args = List.copyOf(args);
    env = List.copyOf(env);
    Objects.requireNonNull(cwd, "cwd");
    Objects.requireNonNull(user, "user");
    if (args.isEmpty()) {
      throw new IllegalArgumentException("a process needs a command");
    }
  }

  /** A command without a terminal or stdin, as root in {@code /}. */
  public static ProcessSpec of(List<String> args, List<String> env) {
    return new ProcessSpec(args, env, "/", "", false, false);
  }
}
