package dev.kiln.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Docker upgrade handshake, against a fake daemon on a Unix socket. */
class DialerTest {
  @TempDir Path dir;

  /** Serves one connection: records the request head, answers {@code response} in one write. */
  private CompletableFuture<String> fakeDocker(Path socket, String response) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    return CompletableFuture.supplyAsync(() -> {
      try (server; SocketChannel c = server.accept()) {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        StringBuilder head = new StringBuilder();
        while (!head.toString().contains("\r\n\r\n")) {
          buf.clear();
          int n = c.read(buf);
          if (n < 0) {
            break;
          }
          head.append(new String(buf.array(), 0, n, StandardCharsets.ISO_8859_1));
        }
        c.write(ByteBuffer.wrap(response.getBytes(StandardCharsets.ISO_8859_1)));
        Thread.sleep(200);
        return head.toString();
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
  }

  @Test
  void upgradeKeepsBytesThatFollowTheResponseHead() throws Exception {
    Path sock = dir.resolve("d.sock");
    // The daemon's first HTTP/2 bytes arrive in the same segment as the 101 head.
    var request = fakeDocker(sock, "HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\nPRI * HTTP/2.0");
    List<Map.Entry<String, String>> headers = List.of(
        new AbstractMap.SimpleEntry<>("X-Docker-Expose-Session-Grpc-Method", "/a.B/C"),
        new AbstractMap.SimpleEntry<>("X-Docker-Expose-Session-Grpc-Method", "/a.B/D"));
    try (Dialer.Conn conn = Dialer.hijack(
        new EngineAddress(EngineAddress.Kind.DOCKER, sock, null, 0), "/session", headers, CallPolicy.DEFAULT.answer())) {
      byte[] rest = conn.in().readNBytes("PRI * HTTP/2.0".length());
      assertThat(new String(rest, StandardCharsets.ISO_8859_1)).isEqualTo("PRI * HTTP/2.0");
    }
    String head = request.get();
    assertThat(head).startsWith("POST /session HTTP/1.1\r\n").contains("Upgrade: h2c\r\n");
    // one header line per method, never comma-joined
    assertThat(head).contains("X-Docker-Expose-Session-Grpc-Method: /a.B/C\r\n"
        + "X-Docker-Expose-Session-Grpc-Method: /a.B/D\r\n");
  }

  @Test
  void anythingButSwitchingProtocolsIsAnError() throws Exception {
    Path sock = dir.resolve("e.sock");
    fakeDocker(sock, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    assertThatThrownBy(() -> Dialer.hijack(new EngineAddress(EngineAddress.Kind.DOCKER, sock, null, 0), "/grpc",
            List.of(), CallPolicy.DEFAULT.answer()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("404")
        .hasMessageContaining("POST /grpc");
  }
}
