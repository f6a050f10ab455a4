package dev.kiln.executor;

import java.io.InputStream;
import java.io.OutputStream;

/** The user's terminal, for an interactive shell in a container ({@code kiln run -i}, {@code kiln shell}). */
public interface Terminal {
  /** What the user types. */
  InputStream input();

  /** Where the shell's output goes, unmasked: the shell is the user's. */
  OutputStream output();

  /** The terminal's size now. */
  Size size();

  /** Puts the terminal in raw mode (no echo, no line editing, keys go through) until the result is closed. */
  Raw raw();

  /** Calls {@code listener} whenever the terminal is resized, until raw mode ends. */
  void onResize(Runnable listener);

  /** Rows and columns. */
  record Size(int rows, int cols) {}

  /** Raw mode, ended by {@link #close}. */
  interface Raw extends AutoCloseable {
    @Override
    void close();
  }
}
