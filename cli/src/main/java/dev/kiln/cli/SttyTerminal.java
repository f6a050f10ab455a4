package dev.kiln.cli;

import dev.kiln.executor.Terminal;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The process's terminal, set to raw mode with {@code stty} on {@code /dev/tty} (POSIX, on every
 * system Kiln's engines run on) rather than a terminal library: raw mode, its size and its
 * restoration are all a shell needs, and JLine would be a new dependency of several hundred KB for
 * it. Resizes are heard through SIGWINCH where the JVM lets a handler be set.
 */
final class SttyTerminal implements Terminal {
  private static final File TTY = new File("/dev/tty");
  private final OutputStream out = new FileOutputStream(FileDescriptor.out);

  private SttyTerminal() {}

  /** The terminal, when stdin and stdout both are one and {@code stty} works on it. */
  static Optional<SttyTerminal> open() {
    if (System.console() == null || !TTY.canRead()) {
      return Optional.empty();
    }
    try {
      stty("-g");
      return Optional.of(new SttyTerminal());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public InputStream input() {
    return System.in;
  }

  @Override
  public OutputStream output() {
    return out;
  }

  @Override
  public Size size() {
    try {
      String[] rc = stty("size").trim().split("\\s+");
      return new Size(Integer.parseInt(rc[0]), Integer.parseInt(rc[1]));
    } catch (IOException | RuntimeException e) {
      return new Size(24, 80);
    }
  }

  @Override
  public Raw raw() {
    String saved;
    try {
      saved = stty("-g").trim();
      stty("raw", "-echo");
    } catch (IOException e) {
      throw new IllegalStateException("the terminal cannot be set to raw mode: " + e.getMessage(), e);
    }
    // Killed while the shell runs (SIGTERM): the user's terminal is restored all the same.
    Thread restore = new Thread(() -> restore(saved), "kiln-tty-restore");
    Runtime.getRuntime().addShutdownHook(restore);
    return () -> {
      restore(saved);
      try {
        Runtime.getRuntime().removeShutdownHook(restore);
      } catch (IllegalStateException e) {
        // shutting down: the hook restores too
      }
    };
  }

  private static void restore(String saved) {
    try {
      stty(saved);
    } catch (IOException e) {
      // the terminal is gone
    }
  }

  @Override
  @SuppressWarnings("restriction")
  public void onResize(Runnable listener) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("WINCH"), s -> listener.run());
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      // no SIGWINCH here: the shell keeps the size it started with
    }
  }

  private static String stty(String... args) throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of("stty"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectInput(TTY).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("stty " + String.join(" ", args) + " failed");
      }
      return output;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
