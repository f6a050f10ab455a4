package dev.kiln.executor.engine;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Connects to a buildkitd in a pod through {@code kubectl exec -i POD -- buildctl dial-stdio}: one
 * kubectl process per connection, whose stdin and stdout carry the engine's HTTP/2. What kubectl
 * says on stderr is kept (the last 4 KiB) to explain a failure.
 */
final class KubectlDial {
  private static final int STDERR_KEPT = 4096;

  private KubectlDial() {}

  /** The pod a selector chooses now: the first running pod by name. */
  static KubePod pin(KubePod pod, Duration answer) throws IOException {
    if (pod.selector() == null) {
      return pod;
    }
    List<String> cmd = pod.listCommand();
    Process p = start(cmd);
    byte[] out;
    try {
      out = p.getInputStream().readAllBytes();
      if (!p.waitFor(Math.max(answer.toMillis(), 1000), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new Dialer.NoAnswerException("`" + String.join(" ", cmd) + "` did not finish within " + Dialer.seconds(answer));
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while listing pods", e);
    }
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (p.exitValue() != 0) {
      throw new IOException("`" + String.join(" ", cmd) + "` failed (exit " + p.exitValue() + ")"
          + (err.isEmpty() ? "" : ": " + lastLine(err)));
    }
    String[] names = new String(out, StandardCharsets.UTF_8).trim().split("\\s+");
    Arrays.sort(names);
    if (names.length == 0 || names[0].isEmpty()) {
      throw new IOException("no running pod matches the selector " + pod.selector()
          + (pod.namespace() == null ? "" : " in namespace " + pod.namespace()));
    }
    return pod.withPod(names[0]);
  }

  /**
   * Starts kubectl. Its first byte must come within {@code answer}, else it is killed and the read
   * fails with a {@link Dialer.NoAnswerException}; when it ends with an error, the read that meets
   * the end says what it printed.
   */
  static Dialer.Conn connect(KubePod pod, Duration answer) throws IOException {
    KubePod pinned = pin(pod, answer);
    List<String> cmd = pinned.dialCommand();
    Process p = start(cmd);
    StringBuilder stderr = new StringBuilder();
    Thread errReader = new Thread(() -> keepTail(p.getErrorStream(), stderr), "kiln-kubectl-stderr");
    errReader.setDaemon(true);
    errReader.start();
    AtomicReference<String> outcome = new AtomicReference<>(); // null: waiting, "": answered, else why killed
    ScheduledFuture<?> timer = Dialer.TIMERS.schedule(() -> {
      if (outcome.compareAndSet(null, "`" + String.join(" ", cmd) + "` sent nothing within " + Dialer.seconds(answer)
          + " (is the pod running buildkitd?)")) {
        p.destroyForcibly();
      }
    }, answer.toMillis(), TimeUnit.MILLISECONDS);
    InputStream in = new FilterInputStream(p.getInputStream()) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
          n = super.read(b, off, len);
        } catch (IOException e) {
          throw late(outcome, e);
        }
        if (n >= 0) {
          if (n > 0 && outcome.compareAndSet(null, "")) {
            timer.cancel(false);
          }
          return n;
        }
        IOException silent = late(outcome, null);
        if (silent != null) {
          throw silent;
        }
        IOException failed = failure(p, cmd, errReader, stderr);
        if (failed != null) {
          throw failed;
        }
        return -1;
      }

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }
    };
    AutoCloseable stop = () -> {
      timer.cancel(false);
      p.destroy();
    };
    return new Dialer.Conn(stop, in, p.getOutputStream());
  }

  private static IOException late(AtomicReference<String> outcome, IOException fallback) {
    String o = outcome.get();
    return o == null || o.isEmpty() ? fallback : new Dialer.NoAnswerException(o);
  }

  /** At the end of kubectl's output: why it failed, or null when it did not (or still runs). */
  private static IOException failure(Process p, List<String> cmd, Thread errReader, StringBuilder stderr) {
    try {
      if (!p.waitFor(2, TimeUnit.SECONDS) || p.exitValue() == 0) {
        return null;
      }
      errReader.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new IOException("interrupted", e);
    }
    String err;
    synchronized (stderr) {
      err = stderr.toString().trim();
    }
    return new IOException("`" + String.join(" ", cmd) + "` failed (exit " + p.exitValue() + ")"
        + (err.isEmpty() ? "" : ": " + lastLine(err)));
  }

  private static Process start(List<String> cmd) throws IOException {
    try {
      return new ProcessBuilder(cmd).start();
    } catch (IOException e) {
      throw new IOException("cannot run " + cmd.get(0) + " (set KUBECTL to the kubectl to use): " + e.getMessage());
    }
  }

  private static void keepTail(InputStream err, StringBuilder kept) {
    byte[] buf = new byte[1024];
    try {
      int n;
      while ((n = err.read(buf)) >= 0) {
        synchronized (kept) {
          kept.append(new String(buf, 0, n, StandardCharsets.UTF_8));
          if (kept.length() > STDERR_KEPT) {
            kept.delete(0, kept.length() - STDERR_KEPT);
          }
        }
      }
    } catch (IOException e) {
      // kubectl is gone
    }
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\\R");
    return lines[lines.length - 1];
  }
}
