package dev.kiln.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipeTest {
  private final List<String> writes = new ArrayList<>();
  private final EmbeddedChannel channel = new EmbeddedChannel(new Pipe(new Pipe.Sink() {
    @Override
    public void write(byte[] data) {
      writes.add(new String(data, StandardCharsets.ISO_8859_1));
    }

    @Override
    public void close() {
      writes.add("<closed>");
    }
  }));

  private void read(String s) {
    channel.pipeline().fireChannelRead(Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1));
  }

  @Test
  void framesReadInOneBatchReachTheSinkAsOneWrite() {
    read("frame1");
    read("frame2");
    read("frame3");
    assertThat(writes).isEmpty();
    channel.pipeline().fireChannelReadComplete();
    read("frame4");
    channel.pipeline().fireChannelReadComplete();
    assertThat(writes).containsExactly("frame1frame2frame3", "frame4");
  }

  @Test
  void aLargeBatchIsWrittenBeforeItEndsAndNothingIsLostOnClose() {
    String big = "x".repeat(200 * 1024);
    read(big);
    read(big); // over the bound: written at once
    read("tail");
    assertThat(writes).containsExactly(big + big);
    channel.close();
    assertThat(writes).containsExactly(big + big, "tail", "<closed>");
  }
}
