package dev.kiln.executor.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** For fake Docker daemons in tests: reads a request's HTTP head, byte by byte, up to the blank line. */
final class HttpHead {
  private HttpHead() {}

  static String read(SocketChannel c) throws IOException {
    StringBuilder sb = new StringBuilder();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (!sb.toString().endsWith("\r\n\r\n")) {
      one.clear();
      if (c.read(one) < 0) {
        break;
      }
      sb.append((char) one.get(0));
    }
    return sb.toString();
  }
}
