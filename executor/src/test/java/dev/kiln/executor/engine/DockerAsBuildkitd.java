package dev.kiln.executor.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Makes the Docker daemon's embedded BuildKit look like a standalone buildkitd on a Unix socket:
 * each connection is relayed to a {@code POST /grpc} upgrade on the Docker socket. This lets the
 * end-to-end tests drive Kiln's {@code unix://} path (plain HTTP/2, sessions over
 * {@code Control/Session}) against a real engine on hosts that run only Docker.
 */
final class DockerAsBuildkitd implements AutoCloseable {
  private final ServerSocketChannel listener;
  private final Path socket;
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

  DockerAsBuildkitd(Path socket, EngineAddress docker) throws IOException {
    this.socket = socket;
    listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    listener.bind(UnixDomainSocketAddress.of(socket));
    Thread accept = new Thread(() -> {
      while (listener.isOpen()) {
        try {
          SocketChannel client = listener.accept();
          Dialer.Conn engine = Dialer.hijack(docker, "/grpc", List.of(), CallPolicy.DEFAULT.answer());
          open.add(client);
          open.add(engine);
          // Not Channels.newInputStream: its reads hold a lock that would block the writer.
          copy(Dialer.input(client), engine.out(), client, engine);
          copy(engine.in(), Dialer.output(client), client, engine);
        } catch (IOException e) {
          return; // closed
        }
      }
    }, "docker-as-buildkitd");
    accept.setDaemon(true);
    accept.start();
  }

  /** The address Kiln should use. */
  EngineAddress address() {
    return EngineAddress.parse("unix://" + socket);
  }

  private static void copy(InputStream in, OutputStream out, AutoCloseable a, AutoCloseable b) {
    Thread t = new Thread(() -> {
      try {
        in.transferTo(out);
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
    });
    t.setDaemon(true);
    t.start();
  }

  /** Cuts every relayed connection, as if the engine went away (new connections still work). */
  void dropConnections() {
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
    listener.close();
  }
}
