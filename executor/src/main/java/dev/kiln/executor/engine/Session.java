package dev.kiln.executor.engine;

import com.google.protobuf.ByteString;
import dev.kiln.executor.proto.control.BytesMessage;
import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import java.io.IOException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * A BuildKit session: the client serves gRPC (health, file sync, exports, secrets) and the daemon
 * calls it. The daemon is the HTTP/2 client, so Kiln runs a gRPC server in-process and tunnels the
 * daemon's connection to it: over Docker's {@code POST /session} upgrade, or over the
 * {@code Control/Session} byte stream of a standalone buildkitd.
 */
public final class Session implements AutoCloseable {
  private static final String HEADER_UUID = "X-Docker-Expose-Session-Uuid";
  private static final String HEADER_NAME = "X-Docker-Expose-Session-Name";
  private static final String HEADER_SHARED_KEY = "X-Docker-Expose-Session-Sharedkey";
  private static final String HEADER_METHOD = "X-Docker-Expose-Session-Grpc-Method";

  private final String id;
  private final Server server;
  private final Channel tunnel;

  private Session(String id, Server server, Channel tunnel) {
    this.id = id;
    this.server = server;
    this.tunnel = tunnel;
  }

  /** A builder for a session with the given services. */
  public static Builder builder() {
    return new Builder();
  }

  /** The session id that solves name in {@code SolveRequest.Session} and local sources. */
  public String id() {
    return id;
  }

  /** Whether the daemon's connection is still up. */
  public boolean isOpen() {
    return tunnel.isActive();
  }

  @Override
  public void close() {
    tunnel.close();
    server.shutdownNow();
  }

  /** Configures and starts a {@link Session}. */
  public static final class Builder {
    private String name = "kiln";
    private String sharedKey = "";
    private Transport transport = Transport.AUTO;
    private final List<ServerServiceDefinition> services = new ArrayList<>();

    private Builder() {}

    /** How the daemon reaches the session. */
    public enum Transport {
      /** Docker's {@code /session} upgrade for {@code docker://}, else {@code Control/Session}. */
      AUTO,
      /** Always the {@code Control/Session} stream (Docker serves it too). */
      CONTROL_STREAM
    }

    /** A name for the session (shown by the daemon only). */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name);
      return this;
    }

    /**
     * The key under which the daemon keeps transferred files between sessions; a stable key makes
     * repeated local syncs incremental.
     */
    public Builder sharedKey(String sharedKey) {
      this.sharedKey = Objects.requireNonNull(sharedKey);
      return this;
    }

    /** Selects the tunnel. */
    public Builder transport(Transport transport) {
      this.transport = Objects.requireNonNull(transport);
      return this;
    }

    /** Adds a service the daemon may call. */
    public Builder addService(BindableService service) {
      services.add(service.bindService());
      return this;
    }

    /** Adds a service the daemon may call. */
    public Builder addService(ServerServiceDefinition service) {
      services.add(Objects.requireNonNull(service));
      return this;
    }

    /** The method names to advertise: one header value each, never comma-joined. */
    List<String> methods() {
      List<String> out = new ArrayList<>();
      for (ServerServiceDefinition s : allServices()) {
        for (var m : s.getMethods()) {
          out.add("/" + m.getMethodDescriptor().getFullMethodName());
        }
      }
      return out;
    }

    private List<ServerServiceDefinition> allServices() {
      List<ServerServiceDefinition> all = new ArrayList<>(services);
      all.add(new HealthStatusManager().getHealthService().bindService());
      return all;
    }

    /**
     * Starts the in-process server and opens the tunnel on {@code connection}.
     *
     * @throws dev.kiln.executor.EngineUnavailableException when the connection's engine was found stalled
     */
    public Session start(BuildkitConnection connection) throws IOException {
      BuildkitErrors.checkNotStalled(connection);
      String id = UUID.randomUUID().toString().replace("-", "").substring(0, 25);
      LocalAddress local = new LocalAddress("kiln-session-" + id);
      NettyServerBuilder sb = NettyServerBuilder.forAddress(local)
          .channelType(LocalServerChannel.class)
          .bossEventLoopGroup(connection.eventLoops())
          .workerEventLoopGroup(connection.eventLoops())
          .maxInboundMessageSize(BuildkitConnection.MAX_INBOUND_MESSAGE);
      allServices().forEach(sb::addService);
      Server server = sb.build().start();
      try {
        Channel tunnel = transport == Transport.AUTO
                && connection.address().docker()
            ? dockerTunnel(connection, local, id)
            : streamTunnel(connection, local, id);
        return new Session(id, server, tunnel);
      } catch (IOException | RuntimeException e) {
        server.shutdownNow();
        throw e;
      }
    }

    private List<Map.Entry<String, String>> headers(String id) {
      List<Map.Entry<String, String>> h = new ArrayList<>();
      h.add(new AbstractMap.SimpleEntry<>(HEADER_UUID, id));
      h.add(new AbstractMap.SimpleEntry<>(HEADER_NAME, name));
      h.add(new AbstractMap.SimpleEntry<>(HEADER_SHARED_KEY, sharedKey));
      for (String m : methods()) {
        h.add(new AbstractMap.SimpleEntry<>(HEADER_METHOD, m));
      }
      return h;
    }

    private Channel dockerTunnel(BuildkitConnection connection, LocalAddress local, String id)
        throws IOException {
      Dialer.Conn conn = Dialer.hijack(connection.address(), "/session", headers(id), connection.policy().answer());
      Channel ch = connect(connection, local, new Pipe(Pipe.sink(conn.out(), conn)));
      Pipe.pump(connection.tracked(conn, ch), ch, "kiln-session-read", e -> { });
      return ch;
    }

    private Channel streamTunnel(BuildkitConnection connection, LocalAddress local, String id)
        throws IOException {
      Metadata md = new Metadata();
      for (Map.Entry<String, String> h : headers(id)) {
        md.put(Metadata.Key.of(h.getKey().toLowerCase(Locale.ROOT), Metadata.ASCII_STRING_MARSHALLER),
            h.getValue());
      }
      StreamObserver<BytesMessage>[] toDaemon = new StreamObserver[1];
      Channel[] chRef = new Channel[1];
      CountDownLatch ready = new CountDownLatch(1);
      Pipe.Sink sink = new Pipe.Sink() {
        @Override
        public void write(byte[] data) {
          synchronized (toDaemon) {
            toDaemon[0].onNext(BytesMessage.newBuilder().setData(ByteString.copyFrom(data)).build());
          }
        }

        @Override
        public void close() {
          synchronized (toDaemon) {
            toDaemon[0].onCompleted();
          }
        }
      };
      StreamObserver<BytesMessage> fromDaemon = new StreamObserver<>() {
        @Override
        public void onNext(BytesMessage m) {
          try {
            ready.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          chRef[0].writeAndFlush(Unpooled.wrappedBuffer(m.getData().toByteArray()));
        }

        @Override
        public void onError(Throwable t) {
          if (chRef[0] != null) {
            chRef[0].close();
          }
        }

        @Override
        public void onCompleted() {
          if (chRef[0] != null) {
            chRef[0].close();
          }
        }
      };
      toDaemon[0] = connection.control().session(md, fromDaemon);
      chRef[0] = connect(connection, local, new Pipe(sink));
      ready.countDown();
      return chRef[0];
    }

    private static Channel connect(BuildkitConnection connection, LocalAddress local, Pipe pipe)
        throws IOException {
      try {
        return new Bootstrap()
            .group(connection.eventLoops())
            .channel(LocalChannel.class)
            .handler(pipe)
            .connect(local).sync().channel();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while opening the session", e);
      }
    }
  }
}
