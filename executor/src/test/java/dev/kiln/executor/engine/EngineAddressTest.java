package dev.kiln.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.executor.EngineUnavailableException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineAddressTest {
  @Test
  void parsesTheThreeForms() {
    assertThat(EngineAddress.parse("docker://")).isEqualTo(
        new EngineAddress(EngineAddress.Kind.DOCKER, Path.of("/var/run/docker.sock"), null, 0));
    assertThat(EngineAddress.parse("docker:///tmp/d.sock").socket()).isEqualTo(Path.of("/tmp/d.sock"));
    assertThat(EngineAddress.parse("docker://unix:///tmp/d.sock").socket()).isEqualTo(Path.of("/tmp/d.sock"));
    assertThat(EngineAddress.parse("unix:///run/buildkit/buildkitd.sock"))
        .isEqualTo(new EngineAddress(EngineAddress.Kind.UNIX, Path.of("/run/buildkit/buildkitd.sock"), null, 0));
    assertThat(EngineAddress.parse("tcp://10.0.0.5:1234"))
        .isEqualTo(new EngineAddress(EngineAddress.Kind.TCP, null, "10.0.0.5", 1234));
    assertThat(EngineAddress.parse("tcp://buildkit:1234")).hasToString("tcp://buildkit:1234");
  }

  @Test
  void rejectsWhatItCannotUse() {
    assertThatThrownBy(() -> EngineAddress.parse("kube-pod://x")).hasMessageContaining("unsupported engine address");
    assertThatThrownBy(() -> EngineAddress.parse("tcp://host")).hasMessageContaining("tcp://host:port");
    assertThatThrownBy(() -> EngineAddress.parse("unix://relative.sock")).hasMessageContaining("absolute");
  }

  @Test
  void flagWinsThenBuildkitHostThenDocker() {
    assertThat(EngineAddress.candidates("unix:///a.sock", Map.of("BUILDKIT_HOST", "tcp://b:1")))
        .extracting(Object::toString).containsExactly("unix:///a.sock");
    assertThat(EngineAddress.candidates(null, Map.of("BUILDKIT_HOST", "tcp://b:1")))
        .extracting(Object::toString).containsExactly("tcp://b:1");
    assertThat(EngineAddress.candidates(null, Map.of("DOCKER_HOST", "unix:///custom/docker.sock")))
        .last().hasToString("docker:///custom/docker.sock");
    assertThat(EngineAddress.candidates(null, Map.of())).last().hasToString("docker:///var/run/docker.sock");
  }

  @Test
  void discoveryRecordsEveryStepIncludingTheSkippedOnes() {
    var none = EngineAddress.discover(null, Map.of(), p -> false);
    assertThat(none).extracting(EngineAddress.Candidate::describe).containsExactly(
        "unix:///run/buildkit/buildkitd.sock (default buildkitd socket): no socket there",
        "docker:///var/run/docker.sock (default Docker socket)");

    var withBuildkitd = EngineAddress.discover(null, Map.of("DOCKER_HOST", "unix:///d.sock"),
        p -> p.equals(EngineAddress.BUILDKITD_SOCKET));
    assertThat(withBuildkitd).extracting(c -> c.address().toString())
        .containsExactly("unix:///run/buildkit/buildkitd.sock", "docker:///d.sock");

    var tcpDocker = EngineAddress.discover(null, Map.of("DOCKER_HOST", "tcp://10.1.1.1:2376"), p -> false);
    assertThat(tcpDocker).last().satisfies(c -> {
      assertThat(c.address()).isNull();
      assertThat(c.describe()).startsWith("tcp://10.1.1.1:2376 ($DOCKER_HOST): only unix://");
    });
    assertThat(EngineAddress.candidates(null, Map.of("DOCKER_HOST", "tcp://10.1.1.1:2376"))).isEmpty();
  }

  @Test
  void anInvalidExplicitAddressIsRecordedNotGuessedAround() {
    var bad = EngineAddress.discover(null, Map.of("BUILDKIT_HOST", "buildkitd:1234"), p -> true);
    assertThat(bad).singleElement().satisfies(c -> {
      assertThat(c.address()).isNull();
      assertThat(c.describe()).contains("$BUILDKIT_HOST").contains("unsupported engine address");
    });
  }

  @Test
  void anInvalidAddressGetsAHintToCorrectItNotToStartAnEngine() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> EngineConnector.connect(null, Map.of("BUILDKIT_HOST", "bogus")))
        .isInstanceOfSatisfying(EngineUnavailableException.class, e -> {
          assertThat(e.attempts()).singleElement().asString().startsWith("bogus ($BUILDKIT_HOST): unsupported");
          assertThat(e.hint()).hasValueSatisfying(h -> assertThat(h).startsWith("correct $BUILDKIT_HOST"));
        });
  }
}
