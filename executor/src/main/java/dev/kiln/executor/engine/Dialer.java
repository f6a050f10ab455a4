package dev.kiln.executor.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Opens raw byte connections to an engine: a Unix socket (the JDK's own support, so no native
 * transport is needed), TCP, TCP with TLS ({@link TlsDial}) or a kubectl process ({@link
 * KubectlDial}). For Docker, each connection is upgraded with {@code POST /grpc} or {@code POST
 * /session} (HTTP/1.1 {@code Upgrade: h2c}), after which it carries HTTP/2.
 */
final class Dialer {
  /** Closes connections whose engine is late with its first answer: a blocked connect or read then ends. */
  static final ScheduledExecutorService TIMERS = Executors.newSingleThreadScheduledExecutor(
      BuildkitConnection.daemonThreads("kiln-answer-deadline"));

  private Dialer() {}

  /** The engine took a connection (or did not) but sent nothing within the time it had. */
  static final class NoAnswerException extends IOException {
    NoAnswerException(String message) {
      super(message);
    }
  }

  /** A connected byte stream (a socket, a TLS socket, a kubectl process): what a {@link Pipe} joins to a Netty channel. */
  record Conn(AutoCloseable resource, InputStream in, OutputStream out) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      try {
        resource.close();
      } catch (IOException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException(e);
      }
    }
  }

  /**
   * Connects to the engine's socket without any upgrade. The connect and the engine's first byte
   * must come within {@code answer}; else the connection is closed, and what blocked on it (the
   * connect, a read, a write) fails with a {@link NoAnswerException}: a stopped engine's kernel
   * still accepts connections, and nothing else would ever end the wait.
   */
  static Conn connect(EngineAddress address, Duration answer) throws IOException {
    if (address.kind() == EngineAddress.Kind.KUBE_POD) {
      return KubectlDial.connect(address.pod(), answer);
    }
    if (address.tls() != null) {
      return TlsDial.connect(address, answer);
    }
    SocketChannel ch = address.tcp()
        ? SocketChannel.open() : SocketChannel.open(StandardProtocolFamily.UNIX);
    // null while the first answer is awaited, "" once it came, else why the connection was closed
    AtomicReference<String> outcome = new AtomicReference<>();
    ScheduledFuture<?> timer = TIMERS.schedule(() -> {
      String why = (ch.isConnected() ? "accepted the connection but sent nothing within "
          : "did not accept the connection within ") + seconds(answer) + " (stopped or hung?)";
      if (outcome.compareAndSet(null, why)) {
        closeQuietly(ch);
      }
    }, answer.toMillis(), TimeUnit.MILLISECONDS);
    Late late = () -> {
      String o = outcome.get();
      return o == null || o.isEmpty() ? null : new NoAnswerException(o);
    };
    try {
      if (address.tcp()) {
        ch.connect(new InetSocketAddress(address.host(), address.port()));
        ch.socket().setTcpNoDelay(true);
      } else {
        ch.connect(UnixDomainSocketAddress.of(address.socket()));
      }
    } catch (IOException e) {
      timer.cancel(false);
      ch.close();
      IOException silent = late.exception();
      throw silent != null ? silent : e;
    }
    Runnable answered = () -> {
      if (outcome.compareAndSet(null, "")) {
        timer.cancel(false);
      }
    };
    return new Conn(ch, input(ch, answered, late), output(ch, late));
  }

  /** The failure to report when the engine was late, else null. */
  @FunctionalInterface
  private interface Late {
    IOException exception();
  }

  /** {@code d} for people: {@code 10 s}, {@code 300 ms}. */
  static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private static void closeQuietly(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // closing is all that was wanted
    }
  }

  // Channels.newInputStream/newOutputStream lock the channel's blockingLock for every call, so a
  // thread blocked reading would stall every write: these call read/write directly, which a
  // SocketChannel allows from one reader and one writer at a time.
  static InputStream input(SocketChannel ch) {
    return input(ch, () -> { }, () -> null);
  }

  private static InputStream input(SocketChannel ch, Runnable answered, Late late) {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        int n;
        try {
          n = ch.read(ByteBuffer.wrap(b, off, len));
        } catch (IOException e) {
          IOException silent = late.exception();
          throw silent != null ? silent : e;
        }
        if (n > 0) {
          answered.run();
        }
        return n;
      }

      @Override
      public void close() throws IOException {
        ch.close();
      }
    };
  }

  static OutputStream output(SocketChannel ch) {
    return output(ch, () -> null);
  }

  private static OutputStream output(SocketChannel ch, Late late) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        try {
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
        } catch (IOException e) {
          IOException silent = late.exception();
          throw silent != null ? silent : e;
        }
      }

      @Override
      public void close() throws IOException {
        ch.close();
      }
    };
  }

  /**
   * Opens HTTP/2 on {@code conn} as a client does (preface, empty SETTINGS) and waits for the
   * engine's first frame, which must be its SETTINGS: proof that the engine is there and speaks
   * HTTP/2, and the moment a TLS engine's refusal of Kiln's certificate or kubectl's failure shows.
   * The connection is then spent (it is closed by the caller).
   */
  static void helloHttp2(Conn conn) throws IOException {
    conn.out().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    conn.out().write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
    conn.out().flush();
    byte[] head = conn.in().readNBytes(9);
    if (head.length < 9) {
      throw new IOException("the engine closed the connection before answering HTTP/2");
    }
    if (head[3] != 4) {
      throw new IOException("the engine does not speak HTTP/2 there (its first bytes are no SETTINGS frame)");
    }
  }

  /**
   * Connects to the Docker socket and switches it to HTTP/2 through {@code POST path} with
   * {@code Upgrade: h2c}. Extra headers are sent in order, repeated names as separate lines. Docker
   * must start its answer within {@code answer} (see {@link #connect}).
   */
  static Conn hijack(EngineAddress address, String path, List<Map.Entry<String, String>> headers,
      Duration answer) throws IOException {
    Conn conn = connect(address, answer);
    try {
      upgrade(conn.in(), conn.out(), path, headers);
      return conn;
    } catch (IOException | RuntimeException e) {
      conn.close();
      throw e;
    }
  }

  /**
   * Sends the upgrade request and consumes the response head. The head is read one byte at a time
   * so that no byte of the HTTP/2 stream that follows is taken from the socket.
   */
  static void upgrade(InputStream in, OutputStream out, String path, List<Map.Entry<String, String>> headers)
      throws IOException {
    StringBuilder req = new StringBuilder();
    req.append("POST ").append(path).append(" HTTP/1.1\r\n")
        .append("Host: docker\r\n")
        .append("Connection: Upgrade\r\n")
        .append("Upgrade: h2c\r\n")
        .append("Content-Length: 0\r\n");
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().indexOf('\n') >= 0 || h.getValue().indexOf('\n') >= 0 || h.getValue().indexOf('\r') >= 0) {
        throw new IllegalArgumentException("header must not contain line breaks: " + h.getKey());
      }
      req.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
    }
    req.append("\r\n");
    out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();

    String head = readHead(in);
    String status = head.lines().findFirst().orElse("");
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("unexpected answer to POST " + path + ": '" + status + "'");
    }
    if (!parts[1].equals("101")) {
      throw new IOException(
          "Docker refused POST " + path + " upgrade: " + status.trim()
              + (parts[1].equals("404") ? " (this Docker daemon has no BuildKit endpoint)" : ""));
    }
    if (!head.toLowerCase(Locale.ROOT).contains("upgrade: h2c")) {
      throw new IOException("Docker answered 101 to POST " + path + " without 'Upgrade: h2c'");
    }
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int state = 0; // progress through \r\n\r\n
    while (state < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed during the HTTP upgrade (got: '" + sb + "')");
      }
      if (sb.length() > 64 * 1024) {
        throw new IOException("HTTP upgrade response head too large");
      }
      sb.append((char) b);
      state = switch (state) {
        case 0, 2 -> b == '\r' ? state + 1 : 0;
        case 1, 3 -> b == '\n' ? state + 1 : (b == '\r' ? 1 : 0);
        default -> state;
      };
    }
    return sb.toString();
  }
}
