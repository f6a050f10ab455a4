package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The libraries' java.util.logging records (grpc-java's, Netty's) never reach stderr. */
class LibraryLogsTest {
  @Test
  void aLibrarysStackTraceDoesNotReachStderrOnceSilenced() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    Logger root = Logger.getLogger("");
    Logger grpc = Logger.getLogger("io.grpc.netty.NettyClientHandler");
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      root.setLevel(Level.INFO);
      root.addHandler(new ConsoleHandler()); // the JDK's default: stderr, as it is when the JVM starts
      grpc.log(Level.WARNING, "Stream closed", new ClosedChannelException());
      assertThat(captured.toString(StandardCharsets.UTF_8)).as("the record reaches stderr by default")
          .contains("ClosedChannelException");
      captured.reset();

      LibraryLogs.silence();
      grpc.log(Level.SEVERE, "Stream closed", new ClosedChannelException());
      Logger.getLogger("io.netty.channel.DefaultChannelPipeline").log(Level.WARNING, "An exceptionCaught() event",
          new IllegalStateException("Http2Exception$StreamException"));
      assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
    } finally {
      System.setErr(err);
    }
  }
}
