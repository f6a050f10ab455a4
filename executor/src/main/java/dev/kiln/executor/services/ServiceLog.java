package dev.kiln.executor.services;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The last lines a service wrote (stdout and stderr together), kept to show when a step that binds
 * it fails. Thread-safe: the engine's streams write from gRPC threads.
 */
final class ServiceLog {
  static final int LINES = 40;
  private static final int MAX_LINE = 4096;

  private final Deque<String> lines = new ArrayDeque<>();
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

  /** A stream whose lines go to this log. */
  OutputStream stream() {
    return new OutputStream() {
      @Override
      public void write(int b) {
        append(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        append(b, off, len);
      }
    };
  }

  private synchronized void append(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (b[i] == '\n') {
        endLine();
      } else if (partial.size() < MAX_LINE) {
        partial.write(b[i]);
      }
    }
  }

  private void endLine() {
    String line = partial.toString(StandardCharsets.UTF_8);
    partial.reset();
    if (line.endsWith("\r")) {
      line = line.substring(0, line.length() - 1);
    }
    lines.addLast(line);
    if (lines.size() > LINES) {
      lines.removeFirst();
    }
  }

  /** The last lines, with a line not yet ended last. */
  synchronized List<String> tail() {
    var all = new java.util.ArrayList<>(lines);
    if (partial.size() > 0) {
      all.add(partial.toString(StandardCharsets.UTF_8));
    }
    return List.copyOf(all);
  }
}
