package dev.kiln.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.executor.EngineUnavailableException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineProbeTest {
  @TempDir Path dir;

  @Test
  void mapsDockerVersionsToTheBuildkitTheyEmbed() {
    assertThat(EngineProbe.buildkitForDocker("20.10.2")).isEqualTo("v0.8.1");
    assertThat(EngineProbe.buildkitForDocker("20.10.24+dfsg1")).isEqualTo("v0.8.2");
    assertThat(EngineProbe.buildkitForDocker("23.0.6")).isEqualTo("v0.10.6");
    assertThat(EngineProbe.buildkitForDocker("26.0.2")).isEqualTo("v0.13.1");
    assertThat(EngineProbe.buildkitForDocker("26.1.4")).isEqualTo("v0.13.2");
    assertThat(EngineProbe.buildkitForDocker("17.06.0-ce")).isNull();
    assertThat(EngineProbe.buildkitForDocker(null)).isNull();
  }

  @Test
  void aDockerWithoutBuildkitEndpointIsUnavailableWithDockersAnswer() throws Exception {
    Path sock = dir.resolve("docker.sock");
    ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    listener.bind(UnixDomainSocketAddress.of(sock));
    Thread fake = new Thread(() -> {
      try (listener) {
        while (true) {
          try (SocketChannel c = listener.accept()) {
            String head = HttpHead.read(c);
            String answer = head.startsWith("GET /_ping")
                ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK"
                : "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            c.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.ISO_8859_1)));
          }
        }
      } catch (IOException e) {
        // closed
      }
    });
    fake.setDaemon(true);
    fake.start();
    try (BuildkitConnection c = BuildkitConnection.open(EngineAddress.parse("docker://" + sock))) {
      assertThatThrownBy(() -> EngineProbe.probe(c))
          .isInstanceOfSatisfying(EngineUnavailableException.class, e -> assertThat(e.attempts())
              .singleElement().asString()
              .startsWith("docker://" + sock + ": ")
              .contains("POST /grpc")
              .contains("404"));
    } finally {
      listener.close();
    }
  }
}
