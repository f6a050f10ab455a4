package dev.kiln.executor.engine;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One gRPC connection to a BuildKit engine; owns the channel, its event loop and the bridge that
 * carries grpc-java's HTTP/2 over the engine's socket. Close it when done.
 */
public final class BuildkitConnection implements AutoCloseable {
  /** Inbound messages can be large (ReadFile results, status bursts); grpc-java's default is 4 MiB. */
  static final int MAX_INBOUND_MESSAGE = 64 * 1024 * 1024;

  private final EngineAddress address;
  private final EventLoopGroup group;
  private final ExecutorService dialer;
  private final Channel bridge;
  private final ManagedChannel channel;
  private final AtomicReference<String> dialFailure;
  private final String pingedDockerVersion;
  private final CallPolicy policy;

  private BuildkitConnection(EngineAddress address, EventLoopGroup group, ExecutorService dialer,
      Channel bridge, ManagedChannel channel, AtomicReference<String> dialFailure, String pingedDockerVersion,
      CallPolicy policy) {
    this.address = address;
    this.policy = policy;
    this.pingedDockerVersion = pingedDockerVersion;
    this.dialFailure = dialFailure;
    this.group = group;
    this.dialer = dialer;
    this.bridge = bridge;
    this.channel = channel;
  }

  /**
   * Connects to the engine. The socket is checked first so that an absent engine is reported at
   * once with its address, not as a gRPC timeout later.
   *
   * @throws IOException if the engine's socket does not answer
   */
  public static BuildkitConnection open(EngineAddress address) throws IOException {
    return open(address, CallPolicy.DEFAULT);
  }

  /** Like {@link #open(EngineAddress)}; the engine's calls get {@code policy}'s deadlines. */
  public static BuildkitConnection open(EngineAddress address, CallPolicy policy) throws IOException {
    String pinged = probe(address);
    EventLoopGroup group = new DefaultEventLoopGroup(2, daemonThreads("kiln-grpc"));
    ExecutorService dialer = Executors.newCachedThreadPool(daemonThreads("kiln-dial"));
    LocalAddress local = new LocalAddress("kiln-engine-" + UUID.randomUUID());
    AtomicReference<String> dialFailure = new AtomicReference<>();
    Channel bridge;
    try {
      bridge = new ServerBootstrap()
          .group(group)
          .channel(LocalServerChannel.class)
          .childHandler(new ChannelInitializer<LocalChannel>() {
            @Override
            protected void initChannel(LocalChannel ch) {
              ch.config().setAutoRead(false);
              dialer.execute(() -> join(address, ch, dialFailure));
            }
          })
          .bind(local).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      dialer.shutdownNow();
      throw new IOException("interrupted while connecting", e);
    }
    ManagedChannel channel = NettyChannelBuilder.forAddress(local)
        .channelType(LocalChannel.class)
        .eventLoopGroup(group)
        .usePlaintext()
        .maxInboundMessageSize(MAX_INBOUND_MESSAGE)
        .build();
    return new BuildkitConnection(address, group, dialer, bridge, channel, dialFailure, pinged, policy);
  }

  /** Checks the engine answers; for Docker, returns the version its ping announced, if any. */
  private static String probe(EngineAddress address) throws IOException {
    if (address.kind() == EngineAddress.Kind.DOCKER) {
      DockerApi.Response r = DockerApi.request(address, "GET", "/_ping", null);
      if (r.status() != 200) {
        throw new IOException("Docker answered GET /_ping with HTTP " + r.status());
      }
      return versionFromServerHeader(r.header("Server"));
    }
    Dialer.connect(address).close();
    return null;
  }

  /**
   * The version in Docker's {@code Server: Docker/20.10.24+dfsg1 (linux)} header, which every API
   * response carries: it saves a {@code GET /version} round trip (and a JSON parser) per run.
   * Null for anything else (a proxy or another engine answering Docker's API).
   */
  static String versionFromServerHeader(String server) {
    if (server == null || !server.startsWith("Docker/")) {
      return null;
    }
    String v = server.substring("Docker/".length()).split(" ", 2)[0];
    return v.isEmpty() || !Character.isDigit(v.charAt(0)) ? null : v;
  }

  private static void join(EngineAddress address, LocalChannel ch, AtomicReference<String> dialFailure) {
    Dialer.Conn conn;
    try {
      conn = address.kind() == EngineAddress.Kind.DOCKER
          ? Dialer.hijack(address, "/grpc", List.of())
          : Dialer.connect(address);
    } catch (IOException | RuntimeException e) {
      // gRPC only sees a closed connection; keep the reason for the error the user gets.
      dialFailure.set(e.getMessage() == null ? e.toString() : e.getMessage());
      ch.close();
      return;
    }
    // The pipe must be in place before the first read: a handler added from another thread is
    // skipped until the event loop has run its handlerAdded, and the bytes read meanwhile (grpc's
    // HTTP/2 preface) would be dropped. So add it, and start reading, on the channel's own loop.
    ch.eventLoop().execute(() -> {
      ch.pipeline().addLast(new Pipe(Pipe.sink(conn.out(), conn)));
      Pipe.pump(conn.in(), ch, "kiln-engine-read", e -> { });
      ch.config().setAutoRead(true);
      ch.read();
    });
  }

  /** Why the last attempt to reach the engine's gRPC endpoint failed, or null. */
  String dialFailure() {
    return dialFailure.get();
  }

  static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The address this connection talks to. */
  public EngineAddress address() {
    return address;
  }

  /** Which engine this connection talks to. */
  EngineKind engineKind() {
    return EngineKind.of(address);
  }

  /** The gRPC channel, for services of Kiln's own; their deadlines are their callers' (see {@link CallPolicy}). */
  public io.grpc.Channel channel() {
    return channel;
  }

  ControlClient control() {
    return new ControlClient(channel, policy);
  }

  /** The gateway of build {@code buildId}. */
  BridgeClient bridge(String buildId) {
    return new BridgeClient(channel, buildId, policy);
  }

  /** Docker's version: from the ping's {@code Server} header, else from Docker's own API. */
  String dockerVersion() throws IOException {
    if (pingedDockerVersion != null) {
      return pingedDockerVersion;
    }
    Object v = dockerVersionDetails().get("Version");
    return v == null ? null : v.toString();
  }

  /** Docker's {@code GET /version} answer. */
  Map<String, Object> dockerVersionDetails() throws IOException {
    DockerApi.Response r = DockerApi.request(address, "GET", "/version", null);
    if (r.status() != 200) {
      throw new IOException("Docker answered GET /version with HTTP " + r.status());
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = new com.fasterxml.jackson.databind.ObjectMapper().readValue(r.body(), Map.class);
    return m;
  }

  EventLoopGroup eventLoops() {
    return group;
  }

  @Override
  public void close() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
    bridge.close();
    dialer.shutdownNow();
    // A short quiet period: closing one end of an in-process pipe schedules the other end's close
    // on its own loop; a loop that had already stopped rejected it, and netty logged the
    // rejection with a stack trace (seen once in 20 `kiln engine du`).
    group.shutdownGracefully(10, 1000, TimeUnit.MILLISECONDS);
  }
}
