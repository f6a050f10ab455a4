package dev.kiln.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.kiln.executor.proto.control.BytesMessage;
import dev.kiln.executor.proto.control.ControlGrpc;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both session tunnels against fake daemons: the fake checks what Kiln announces, then acts as
 * BuildKit does (an HTTP/2 client) and health-checks Kiln's session server through the tunnel.
 */
class SessionTunnelTest {
  private static final List<String> HEALTH_METHODS =
      List.of("/grpc.health.v1.Health/Check", "/grpc.health.v1.Health/Watch");

  @TempDir Path dir;

  @Test
  void controlSessionStreamCarriesMetadataOnePerMethodAndServesHealth() throws Exception {
    CompletableFuture<Metadata> headers = new CompletableFuture<>();
    CompletableFuture<ServingStatus> health = new CompletableFuture<>();
    Context.Key<Metadata> md = Context.key("md");
    ServerInterceptor capture = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata h,
          ServerCallHandler<Q, R> next) {
        return Contexts.interceptCall(Context.current().withValue(md, h), call, h, next);
      }
    };
    var fakeControl = new ControlGrpc.ControlImplBase() {
      @Override
      public StreamObserver<BytesMessage> session(StreamObserver<BytesMessage> toKiln) {
        headers.complete(md.get());
        DaemonSide daemon;
        try {
          daemon = new DaemonSide(new Pipe.Sink() {
            @Override
            public void write(byte[] data) {
              synchronized (toKiln) {
                toKiln.onNext(BytesMessage.newBuilder().setData(ByteString.copyFrom(data)).build());
              }
            }

            @Override
            public void close() {}
          });
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        new Thread(() -> {
          try {
            health.complete(daemon.check());
          } catch (RuntimeException e) {
            health.completeExceptionally(e);
          }
        }).start();
        return new StreamObserver<>() {
          @Override
          public void onNext(BytesMessage m) {
            daemon.receive(m.getData().toByteArray());
          }

          @Override
          public void onError(Throwable t) {
            daemon.close();
          }

          @Override
          public void onCompleted() {
            daemon.close();
          }
        };
      }
    };
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(fakeControl, capture)).build().start();
    try (BuildkitConnection c = BuildkitConnection.open(EngineAddress.parse("tcp://127.0.0.1:" + server.getPort()));
        Session session = Session.builder().sharedKey("key-1").name("test").start(c)) {
      Metadata h = headers.get(10, TimeUnit.SECONDS);
      assertThat(h.get(key("x-docker-expose-session-uuid"))).isEqualTo(session.id());
      assertThat(h.get(key("x-docker-expose-session-sharedkey"))).isEqualTo("key-1");
      assertThat(h.get(key("x-docker-expose-session-name"))).isEqualTo("test");
      assertThat(h.getAll(key("x-docker-expose-session-grpc-method")))
          .containsExactlyInAnyOrderElementsOf(HEALTH_METHODS);
      assertThat(health.get(10, TimeUnit.SECONDS)).isEqualTo(ServingStatus.SERVING);
    } finally {
      server.shutdownNow();
    }
  }

  @Test
  void dockerSessionUpgradeSendsOneHeaderLinePerMethodAndServesHealth() throws Exception {
    Path sock = dir.resolve("docker.sock");
    ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    listener.bind(UnixDomainSocketAddress.of(sock));
    CompletableFuture<String> sessionHead = new CompletableFuture<>();
    CompletableFuture<ServingStatus> health = new CompletableFuture<>();
    Thread daemon = new Thread(() -> {
      try (listener) {
        while (!health.isDone()) {
          SocketChannel c = listener.accept();
          String head = HttpHead.read(c);
          if (head.startsWith("GET /_ping")) {
            write(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK");
            c.close();
            continue;
          }
          if (head.startsWith("POST /grpc")) {
            c.close(); // the connection's own gRPC channel, dialled while the ping is answered: not the session
            continue;
          }
          sessionHead.complete(head);
          // The 101 and the daemon's first HTTP/2 bytes may share a segment; here they are apart.
          write(c, "HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n");
          DaemonSide side = new DaemonSide(new Pipe.Sink() {
            @Override
            public void write(byte[] data) throws IOException {
              SessionTunnelTest.write(c, data);
            }

            @Override
            public void close() {}
          });
          Thread reader = new Thread(() -> {
            byte[] buf = new byte[16384];
            try {
              int n;
              while ((n = c.read(ByteBuffer.wrap(buf))) >= 0) {
                side.receive(Arrays.copyOf(buf, n));
              }
            } catch (IOException e) {
              // closed
            }
          });
          reader.setDaemon(true);
          reader.start();
          try {
            health.complete(side.check());
          } finally {
            side.close();
            c.close();
          }
        }
      } catch (Exception e) {
        sessionHead.completeExceptionally(e);
        health.completeExceptionally(e);
      }
    });
    daemon.setDaemon(true);
    daemon.start();
    try (BuildkitConnection c = BuildkitConnection.open(EngineAddress.parse("docker://" + sock));
        Session session = Session.builder().sharedKey("key-2").start(c)) {
      String head = sessionHead.get(10, TimeUnit.SECONDS);
      assertThat(head).startsWith("POST /session HTTP/1.1\r\n")
          .contains("\r\nUpgrade: h2c\r\n", "\r\nConnection: Upgrade\r\n",
              "\r\nX-Docker-Expose-Session-Uuid: " + session.id() + "\r\n",
              "\r\nX-Docker-Expose-Session-Sharedkey: key-2\r\n");
      for (String m : HEALTH_METHODS) {
        assertThat(head).contains("\r\nX-Docker-Expose-Session-Grpc-Method: " + m + "\r\n");
      }
      assertThat(head.split("X-Docker-Expose-Session-Grpc-Method", -1)).hasSize(HEALTH_METHODS.size() + 1);
      assertThat(health.get(10, TimeUnit.SECONDS)).isEqualTo(ServingStatus.SERVING);
    }
  }

  private static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }

  private static void write(SocketChannel c, String text) throws IOException {
    write(c, text.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static synchronized void write(SocketChannel c, byte[] data) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(data);
    while (b.hasRemaining()) {
      c.write(b);
    }
  }
}
