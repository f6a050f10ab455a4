package dev.kiln.executor.engine;

import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.executor.proto.control.Vertex;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges a solve's incremental status updates by vertex digest: names, errors, and the last lines
 * each vertex printed (log chunks may split lines). Thread-safe.
 */
final class VertexLog {
  static final int TAIL_LINES = 50;

  private final Map<String, String> names = new HashMap<>();
  private final Map<String, String> errors = new HashMap<>();
  private final Map<String, Deque<String>> tails = new HashMap<>();
  /** Bytes, not text: a chunk may end inside a UTF-8 character, which decoding alone would spoil. */
  private final Map<String, ByteArrayOutputStream> partial = new HashMap<>();
  private String lastFailed;

  synchronized void accept(StatusResponse r) {
    for (Vertex v : r.getVertexesList()) {
      if (!v.getName().isEmpty()) {
        names.put(v.getDigest(), v.getName());
      }
      if (!v.getError().isEmpty()) {
        errors.put(v.getDigest(), v.getError());
        if (!v.getError().contains("context canceled")) {
          lastFailed = v.getDigest();
          notifyAll();
        }
      }
    }
    for (var log : r.getLogsList()) {
      ByteArrayOutputStream line = partial.computeIfAbsent(log.getVertex(), k -> new ByteArrayOutputStream());
      byte[] chunk = log.getMsg().toByteArray();
      int start = 0;
      for (int i = 0; i < chunk.length; i++) {
        if (chunk[i] == '\n') {
          line.write(chunk, start, i - start);
          addLine(log.getVertex(), line.toString(StandardCharsets.UTF_8));
          line.reset();
          start = i + 1;
        }
      }
      line.write(chunk, start, chunk.length - start);
    }
  }

  private void addLine(String digest, String line) {
    Deque<String> tail = tails.computeIfAbsent(digest, k -> new ArrayDeque<>());
    tail.addLast(line);
    while (tail.size() > TAIL_LINES) {
      tail.removeFirst();
    }
  }

  /** The digest of the vertex that failed (not merely cancelled), if any. */
  synchronized String failed() {
    return lastFailed;
  }

  /**
   * Waits up to {@code timeout} for a vertex to fail: a call of the build can fail before the
   * build's status stream has told which vertex did.
   */
  synchronized void awaitFailure(Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    try {
      for (long left = timeout.toMillis(); lastFailed == null && left > 0; left = (end - System.nanoTime()) / 1_000_000) {
        wait(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The error the engine reported for a vertex, or null. */
  synchronized String error(String digest) {
    return errors.get(digest);
  }

  synchronized String name(String digest) {
    return names.get(digest);
  }

  /** The last lines of a vertex's output, including an unterminated last line. */
  synchronized List<String> tail(String digest) {
    List<String> out = new ArrayList<>(tails.getOrDefault(digest, new ArrayDeque<>()));
    ByteArrayOutputStream rest = partial.get(digest);
    if (rest != null && rest.size() > 0) {
      out.add(rest.toString(StandardCharsets.UTF_8));
    }
    return out.size() > TAIL_LINES ? out.subList(out.size() - TAIL_LINES, out.size()) : out;
  }
}
