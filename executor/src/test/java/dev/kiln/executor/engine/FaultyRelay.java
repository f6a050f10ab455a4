package dev.kiln.executor.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Unix socket relayed byte for byte to an engine, which a test can freeze or cut: a real engine
 * behind a real fault, without stopping a daemon others use. Frozen, it behaves as a stopped
 * (SIGSTOP) engine does: connections are still taken (by the kernel's backlog), nothing moves
 * either way. Cut, every relayed connection closes, as when the engine is killed.
 */
final class FaultyRelay implements AutoCloseable {
  /** Opens the engine's side of one relayed connection. */
  @FunctionalInterface
  interface Upstream {
    Dialer.Conn open() throws IOException;
  }

  private final ServerSocketChannel listener;
  private final Path socket;
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
  private final Object gate = new Object();
  private boolean frozen; // guarded by gate

  /** Relays {@code socket} to {@code upstream}'s socket (a Docker socket is relayed as it is, not upgraded). */
  FaultyRelay(Path socket, EngineAddress upstream) throws IOException {
    this(socket, () -> Dialer.connect(upstream, Duration.ofSeconds(30)));
  }

  /**
   * Makes the Docker daemon's embedded BuildKit look like a standalone buildkitd on {@code socket}
   * ({@link #address address(UNIX)}): each connection is relayed to a {@code POST /grpc} upgrade on
   * the Docker socket. This lets the end-to-end tests drive Kiln's {@code unix://} path (plain
   * HTTP/2, sessions over {@code Control/Session}) against a real engine on hosts that run only Docker.
   */
  static FaultyRelay dockerAsBuildkitd(Path socket, EngineAddress docker) throws IOException {
    return new FaultyRelay(socket, () -> Dialer.hijack(docker, "/grpc", List.of(), CallPolicy.DEFAULT.answer()));
  }

  FaultyRelay(Path socket, Upstream upstream) throws IOException {
    this.socket = socket;
    listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    listener.bind(UnixDomainSocketAddress.of(socket));
    Thread accept = new Thread(() -> {
      while (listener.isOpen()) {
        try {
          SocketChannel client = listener.accept();
          awaitThawed();
          Dialer.Conn engine;
          try {
            engine = upstream.open();
          } catch (IOException e) {
            client.close(); // as the engine would: this connection fails, the next may not
            continue;
          }
          open.add(client);
          open.add(engine);
          copy(Dialer.input(client), engine.out(), client, engine);
          copy(engine.in(), Dialer.output(client), client, engine);
        } catch (IOException e) {
          return; // closed
        }
      }
    }, "faulty-relay");
    accept.setDaemon(true);
    accept.start();
  }

  /** {@code socket} as a Docker address or a buildkitd one, as the engine behind it is. */
  EngineAddress address(EngineAddress.Kind kind) {
    return new EngineAddress(kind, socket, null, 0);
  }

  private void awaitThawed() {
    synchronized (gate) {
      while (frozen) {
        try {
          gate.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void copy(InputStream in, OutputStream out, AutoCloseable a, AutoCloseable b) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      try {
        int n;
        while ((n = in.read(buf)) >= 0) {
          awaitThawed(); // what a stopped process read, it never passes on
          out.write(buf, 0, n);
        }
      } catch (IOException e) {
        // one side went away
      } finally {
        try {
          a.close();
          b.close();
        } catch (Exception ignored) {
          // already closed
        }
      }
    }, "faulty-relay-copy");
    t.setDaemon(true);
    t.start();
  }

  /** Nothing moves any more, new connections wait unanswered. */
  void freeze() {
    synchronized (gate) {
      frozen = true;
    }
  }

  /** Bytes move again. */
  void thaw() {
    synchronized (gate) {
      frozen = false;
      gate.notifyAll();
    }
  }

  /** Closes every relayed connection, as if the engine was killed (new connections are still relayed). */
  void cut() {
    for (AutoCloseable c : open) {
      try {
        c.close();
      } catch (Exception ignored) {
        // already closed
      }
    }
    open.clear();
  }

  @Override
  public void close() throws IOException {
    thaw();
    cut();
    listener.close();
  }
}
