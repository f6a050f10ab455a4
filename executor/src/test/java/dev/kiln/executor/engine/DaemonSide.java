package dev.kiln.executor.engine;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What BuildKit does with a session in a test: a gRPC <em>client</em> speaking HTTP/2 over a byte
 * stream the test supplies (a hijacked socket, or Control/Session messages). Bytes from Kiln go in
 * through {@link #receive}; bytes for Kiln leave through the sink given at creation.
 */
final class DaemonSide implements AutoCloseable {
  private final DefaultEventLoopGroup group = new DefaultEventLoopGroup(1);
  private final CompletableFuture<Channel> conn = new CompletableFuture<>();
  private final Channel server;
  private final ManagedChannel client;

  DaemonSide(Pipe.Sink toKiln) throws InterruptedException {
    LocalAddress address = new LocalAddress("daemon-side-" + UUID.randomUUID());
    server = new ServerBootstrap().group(group).channel(LocalServerChannel.class)
        .childHandler(new ChannelInitializer<LocalChannel>() {
          @Override
          protected void initChannel(LocalChannel ch) {
            ch.pipeline().addLast(new Pipe(toKiln));
            conn.complete(ch);
          }
        })
        .bind(address).sync().channel();
    client = NettyChannelBuilder.forAddress(address).channelType(LocalChannel.class)
        .eventLoopGroup(group).usePlaintext().build();
  }

  /** Bytes Kiln sent; they wait until the client has connected. */
  void receive(byte[] data) {
    conn.join().writeAndFlush(Unpooled.wrappedBuffer(data));
  }

  /** Calls Health/Check for the whole server, as BuildKit's session monitor does. */
  HealthCheckResponse.ServingStatus check() {
    return HealthGrpc.newBlockingStub(client).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService("").build()).getStatus();
  }

  @Override
  public void close() {
    client.shutdownNow();
    server.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
