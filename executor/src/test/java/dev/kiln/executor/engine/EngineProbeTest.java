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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
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
  void onlyDockersWhoseBuildkitHasTheInfoCallAreAskedIt() {
    assertThat(EngineProbe.beforeInfoRpc("20.10.24+dfsg1")).isTrue();
    assertThat(EngineProbe.beforeInfoRpc("23.0.6")).isTrue();
    assertThat(EngineProbe.beforeInfoRpc("24.0.7")).isFalse();
    assertThat(EngineProbe.beforeInfoRpc("28.2.2")).isFalse();
    assertThat(EngineProbe.beforeInfoRpc("nightly")).isFalse(); // unknown: asked
    assertThat(EngineProbe.beforeInfoRpc(null)).isFalse();
  }

  @Test
  void readsDockersVersionFromThePingsServerHeader() {
    assertThat(BuildkitConnection.versionFromServerHeader("Docker/20.10.24+dfsg1 (linux)")).isEqualTo("20.10.24+dfsg1");
    assertThat(BuildkitConnection.versionFromServerHeader("Docker/27.3.1 (linux)")).isEqualTo("27.3.1");
    assertThat(BuildkitConnection.versionFromServerHeader("Libpod/5.0.0 (linux)")).isNull();
    assertThat(BuildkitConnection.versionFromServerHeader("Docker/ (linux)")).isNull();
    assertThat(BuildkitConnection.versionFromServerHeader(null)).isNull();
  }

  @Test
  void takesDockersVersionFromThePingAndAsksOnlyWhenThePingDoesNotSay() throws Exception {
    List<String> asked = new CopyOnWriteArrayList<>();
    Path withHeader = fakeDockerWithVersion("with.sock", "Server: Docker/27.3.1 (linux)\r\n", asked);
    try (BuildkitConnection c = BuildkitConnection.open(EngineAddress.parse("docker://" + withHeader))) {
      assertThat(c.dockerVersion()).isEqualTo("27.3.1");
    }
    // the gRPC upgrade is dialled while the ping is answered: only Docker's own API is counted here
    assertThat(asked).filteredOn(r -> !r.equals("POST /grpc")).containsExactly("GET /_ping");

    asked.clear();
    Path without = fakeDockerWithVersion("without.sock", "", asked);
    try (BuildkitConnection c = BuildkitConnection.open(EngineAddress.parse("docker://" + without))) {
      assertThat(c.dockerVersion()).isEqualTo("20.10.5");
    }
    assertThat(asked).filteredOn(r -> !r.equals("POST /grpc")).containsExactly("GET /_ping", "GET /version");
  }

  /** A fake Docker API on {@code name}: {@code answer} maps each request's head to the whole response. */
  private Path fakeDocker(String name, UnaryOperator<String> answer) throws IOException {
    Path sock = dir.resolve(name);
    ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    listener.bind(UnixDomainSocketAddress.of(sock));
    Thread fake = new Thread(() -> {
      try (listener) {
        while (true) {
          try (SocketChannel c = listener.accept()) {
            c.write(ByteBuffer.wrap(answer.apply(HttpHead.read(c)).getBytes(StandardCharsets.ISO_8859_1)));
          }
        }
      } catch (IOException e) {
        // closed
      }
    });
    fake.setDaemon(true);
    fake.start();
    return sock;
  }

  /** Answers /_ping (with {@code pingHeaders}) and /version, recording each request line. */
  private Path fakeDockerWithVersion(String name, String pingHeaders, List<String> asked) throws IOException {
    return fakeDocker(name, head -> {
      String line = head.lines().findFirst().orElse("");
      asked.add(line.substring(0, line.lastIndexOf(' ')));
      String body = line.startsWith("GET /version") ? "{\"Version\":\"20.10.5\"}" : "OK";
      return "HTTP/1.1 200 OK\r\n" + (line.startsWith("GET /_ping") ? pingHeaders : "")
          + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body;
    });
  }

  @Test
  void aDockerWithoutBuildkitEndpointIsUnavailableWithDockersAnswer() throws Exception {
    Path sock = fakeDocker("docker.sock", head -> head.startsWith("GET /_ping")
        ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK"
        : "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    try (BuildkitConnection c = BuildkitConnection.open(EngineAddress.parse("docker://" + sock))) {
      assertThatThrownBy(() -> EngineProbe.probe(c))
          .isInstanceOfSatisfying(EngineUnavailableException.class, e -> assertThat(e.attempts())
              .singleElement().asString()
              .startsWith("docker://" + sock + ": ")
              .contains("POST /grpc")
              .contains("404"));
    }
  }
}
