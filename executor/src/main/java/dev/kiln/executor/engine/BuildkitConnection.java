package dev.kiln.executor.engine;

import io.grpc.ConnectivityState;
import io.grpc.Context;
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
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One gRPC connection to a BuildKit engine; owns the channel, its event loop, the bridge that
 * carries grpc-java's HTTP/2 over the engine's socket, and the {@link StallWatch} over its solves.
 * Close it when done.
 */
public final class BuildkitConnection implements AutoCloseable {
  /** Inbound messages can be large (ReadFile results, status bursts); grpc-java's default is 4 MiB. */
  static final int MAX_INBOUND_MESSAGE = 64 * 1024 * 1024;

  private final EngineAddress address;
  private final EventLoopGroup group;
  private final ExecutorService dialer;
  private final Channel bridge;
  private final ManagedChannel channel;
  private final AtomicReference<IOException> dialFailure;
  private final String pingedDockerVersion;
  private final CallPolicy policy;
  /** The sockets to the engine that are open: what a stall cuts. */
  private final Set<Dialer.Conn> sockets;
  private final StallWatch watch;

  private BuildkitConnection(EngineAddress address, EventLoopGroup group, ExecutorService dialer,
      Channel bridge, ManagedChannel channel, AtomicReference<IOException> dialFailure, String pingedDockerVersion,
      CallPolicy policy, Set<Dialer.Conn> sockets, StallWatch watch) {
    this.address = address;
    this.policy = policy;
    this.pingedDockerVersion = pingedDockerVersion;
    this.dialFailure = dialFailure;
    this.group = group;
    this.dialer = dialer;
    this.bridge = bridge;
    this.channel = channel;
    this.sockets = sockets;
    this.watch = watch;
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
  public static BuildkitConnection open(EngineAddress given, CallPolicy policy) throws IOException {
    // every connection of this one must reach the same engine: a selector chooses the pod once
    EngineAddress address = given.kind() != EngineAddress.Kind.KUBE_POD ? given
        : new EngineAddress(given.kind(), null, null, 0, null, KubectlDial.pin(given.pod(), policy.answer()));
    ExecutorService dialer = Executors.newCachedThreadPool(daemonThreads("kiln-dial"));
    // The engine is asked whether it answers while the channel is set up and dials: in a fresh
    // JVM each took tens of milliseconds of every run's start.
    Future<String> ping = dialer.submit(() -> probe(address, policy.answer()));
    EventLoopGroup group = new DefaultEventLoopGroup(2, daemonThreads("kiln-grpc"));
    LocalAddress local = new LocalAddress("kiln-engine-" + UUID.randomUUID());
    AtomicReference<IOException> dialFailure = new AtomicReference<>();
    Set<Dialer.Conn> sockets = ConcurrentHashMap.newKeySet();
    AtomicReference<ManagedChannel> grpc = new AtomicReference<>(); // set below, before any solve can run
    // The health question must not inherit a caller's cancelled context.
    StallWatch watch = new StallWatch(policy.liveness(),
        () -> Context.ROOT.run(() -> new ControlClient(grpc.get(), policy).probe()), () -> cut(sockets, grpc.get()));
    Channel bridge;
    try {
      bridge = new ServerBootstrap()
          .group(group)
          .channel(LocalServerChannel.class)
          .childHandler(new ChannelInitializer<LocalChannel>() {
            @Override
            protected void initChannel(LocalChannel ch) {
              ch.config().setAutoRead(false);
              dialer.execute(() -> join(address, policy.answer(), ch, dialFailure, sockets, watch));
            }
          })
          .bind(local).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abandon(null, null, group, dialer, watch); // also cancels the ping
      throw new IOException("interrupted while connecting", e);
    }
    ManagedChannel channel = NettyChannelBuilder.forAddress(local)
        .channelType(LocalChannel.class)
        .eventLoopGroup(group)
        .usePlaintext()
        .maxInboundMessageSize(MAX_INBOUND_MESSAGE)
        .intercept(TraceParents.INTERCEPTOR)
        .build();
    grpc.set(channel);
    if (address.docker()) {
      channel.getState(true); // Docker's /grpc upgrade and the HTTP/2 handshake, during the ping
    }
    String pinged;
    try {
      pinged = ping.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abandon(channel, bridge, group, dialer, watch);
      throw new IOException("interrupted while connecting", e);
    } catch (ExecutionException e) {
      abandon(channel, bridge, group, dialer, watch);
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(cause);
    }
    BuildkitConnection connection = new BuildkitConnection(address, group, dialer, bridge, channel, dialFailure,
        pinged, policy, sockets, watch);
    // Docker has answered GET /_ping within the same bound, and its /grpc upgrade's answer is
    // bounded by the dial; a buildkitd's first answer is its side of the HTTP/2 handshake.
    if (!address.docker()) {
      try {
        connection.awaitHandshake();
      } catch (IOException e) {
        connection.close();
        throw e;
      }
    }
    return connection;
  }

  /**
   * Waits for the engine's side of the HTTP/2 handshake, at most {@link CallPolicy#answer}: an
   * engine that takes connections but says nothing is unreachable now, not at the first call's
   * deadline. A connection that failed otherwise is left to the first call, which says why.
   */
  private void awaitHandshake() throws IOException {
    long end = System.nanoTime() + policy.answer().toNanos() + Duration.ofMillis(500).toNanos();
    ConnectivityState state = channel.getState(true);
    while (state != ConnectivityState.READY && state != ConnectivityState.TRANSIENT_FAILURE) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        throw new Dialer.NoAnswerException("accepted the connection but did not answer HTTP/2 within "
            + Dialer.seconds(policy.answer()) + " (stopped or hung?)");
      }
      CountDownLatch changed = new CountDownLatch(1);
      channel.notifyWhenStateChanged(state, changed::countDown);
      try {
        changed.await(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while connecting", e);
      }
      state = channel.getState(false);
    }
    if (dialFailure.get() instanceof Dialer.NoAnswerException silent) {
      throw silent;
    }
  }

  /** Releases what {@link #open} had set up when it cannot go on; {@code channel} and {@code bridge} may be null. */
  private static void abandon(ManagedChannel channel, Channel bridge, EventLoopGroup group, ExecutorService dialer,
      StallWatch watch) {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (bridge != null) {
      bridge.close();
    }
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    dialer.shutdownNow();
    watch.close();
  }

  /** Checks the engine answers; for Docker, returns the version its ping announced, if any. */
  private static String probe(EngineAddress address, Duration answer) throws IOException {
    if (address.docker()) {
      DockerApi.Response r = DockerApi.request(address, answer, "GET", "/_ping", null);
      if (r.status() == 400 && r.body().contains("HTTPS")) {
        throw new EngineTlsException(EngineTlsException.Reason.PLAIN_TO_TLS,
            "Docker there expects TLS and Kiln connected without it");
      }
      if (r.status() != 200) {
        throw new IOException("Docker answered GET /_ping with HTTP " + r.status());
      }
      return versionFromServerHeader(r.header("Server"));
    }
    try (Dialer.Conn conn = Dialer.connect(address, answer)) {
      // TLS refusals of Kiln's certificate and kubectl's failures come only when the engine speaks
      if (address.tls() != null || address.kind() == EngineAddress.Kind.KUBE_POD) {
        Dialer.helloHttp2(conn);
      }
    }
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

  private static void join(EngineAddress address, Duration answer, LocalChannel ch,
      AtomicReference<IOException> dialFailure, Set<Dialer.Conn> sockets, StallWatch watch) {
    Dialer.Conn conn;
    try {
      conn = address.docker()
          ? Dialer.hijack(address, "/grpc", List.of(), answer)
          : Dialer.connect(address, answer);
    } catch (IOException | RuntimeException e) {
      // gRPC only sees a closed connection; keep the reason for the error the user gets.
      dialFailure.set(e instanceof IOException io ? io : new IOException(e.toString(), e));
      ch.close();
      return;
    }
    dialFailure.set(null); // reached: an earlier attempt's failure no longer explains a call's
    sockets.add(conn);
    ch.closeFuture().addListener(f -> sockets.remove(conn));
    // The pipe must be in place before the first read: a handler added from another thread is
    // skipped until the event loop has run its handlerAdded, and the bytes read meanwhile (grpc's
    // HTTP/2 preface) would be dropped. So add it, and start reading, on the channel's own loop.
    ch.eventLoop().execute(() -> {
      ch.pipeline().addLast(new Pipe(Pipe.sink(conn.out(), conn)));
      Pipe.pump(watch.listening(conn.in()), ch, "kiln-engine-read", e -> {
        if (e instanceof Dialer.NoAnswerException) {
          dialFailure.set(e); // the engine took the connection but never spoke HTTP/2
        }
      });
      ch.config().setAutoRead(true);
      ch.read();
    });
  }

  /** Why the last attempt to reach the engine's gRPC endpoint failed, or null. */
  String dialFailure() {
    IOException e = dialFailure.get();
    return e == null ? null : e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /** The time limits of this connection's calls. */
  CallPolicy policy() {
    return policy;
  }

  /** Why the engine was found stalled and cut off ({@link StallWatch}), or null. */
  String stalled() {
    return watch.stalled();
  }

  /** Tells the stall watch a solve runs until the handle is closed. */
  StallWatch.Solving solving() {
    return watch.solving();
  }

  /** A socket to the engine that this connection's sessions opened: counted as life, cut on a stall. */
  InputStream tracked(Dialer.Conn conn, Channel carrying) {
    sockets.add(conn);
    carrying.closeFuture().addListener(f -> sockets.remove(conn));
    return watch.listening(conn.in());
  }

  /**
   * Cuts every socket to a stalled engine: what blocked on one (a call waiting for an answer, a
   * write into a full socket buffer on an event loop) ends at once, and nothing new starts.
   */
  private static void cut(Set<Dialer.Conn> sockets, ManagedChannel channel) {
    for (Dialer.Conn c : sockets) {
      try {
        c.close();
      } catch (IOException e) {
        // closing is all that is wanted
      }
    }
    channel.shutdownNow();
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
    DockerApi.Response r = DockerApi.request(address, policy.answer(), "GET", "/version", null);
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
    watch.close();
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
