package dev.kiln.executor.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Consumer;

/**
 * Joins an in-JVM Netty channel (the grpc-java side) to an engine connection (the socket side),
 * copying bytes both ways until either side closes. grpc-java thus speaks HTTP/2 over transports it
 * does not know: a hijacked Docker socket or a BuildKit session stream.
 *
 * <p>What grpc-java writes in one go (one flush of its write queue: often thousands of small frames,
 * as when a file sync lists a tree) reaches the sink as one write, not one write a frame.
 */
final class Pipe extends ChannelInboundHandlerAdapter {
  /** Above this, what is pending is written before the batch ends, so memory stays bounded. */
  private static final int BATCH = 256 * 1024;
  /** Where bytes read from the Netty channel go. */
  interface Sink {
    void write(byte[] data) throws IOException;

    void close();
  }

  private final Sink sink;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  Pipe(Sink sink) {
    this.sink = sink;
  }

  static Sink sink(OutputStream out, AutoCloseable closer) {
    return new Sink() {
      @Override
      public void write(byte[] data) throws IOException {
        out.write(data);
        out.flush();
      }

      @Override
      public void close() {
        try {
          closer.close();
        } catch (Exception ignored) {
          // closing a socket that is already gone
        }
      }
    };
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf buf = (ByteBuf) msg;
    try {
      buf.readBytes(pending, buf.readableBytes());
      if (pending.size() >= BATCH) {
        drain();
      }
    } catch (IOException e) {
      ctx.close();
    } finally {
      buf.release();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    try {
      drain();
    } catch (IOException e) {
      ctx.close();
    }
    ctx.fireChannelReadComplete();
  }

  private void drain() throws IOException {
    if (pending.size() > 0) {
      byte[] data = pending.toByteArray();
      pending.reset();
      sink.write(data);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    try {
      drain();
    } catch (IOException e) {
      // the other side is gone too
    }
    sink.close();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /** Copies {@code in} into {@code channel} on a daemon thread until EOF, then closes the channel. */
  static void pump(InputStream in, Channel channel, String name, Consumer<IOException> onError) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      try {
        int n;
        while ((n = in.read(buf)) >= 0) {
          if (n == 0) {
            continue;
          }
          // Waiting for each write bounds memory: the socket is read no faster than grpc consumes.
          channel.writeAndFlush(Unpooled.copiedBuffer(buf, 0, n)).syncUninterruptibly();
          if (!channel.isActive()) {
            break;
          }
        }
      } catch (IOException e) {
        if (channel.isActive()) {
          onError.accept(e);
        }
      } catch (RuntimeException e) {
        // the channel was closed under us
      } finally {
        channel.close();
      }
    }, name);
    t.setDaemon(true);
    t.start();
  }
}
