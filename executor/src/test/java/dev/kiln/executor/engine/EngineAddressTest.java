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
    assertThatThrownBy(() -> EngineAddress.parse("ssh://x")).hasMessageContaining("unsupported engine address");
    assertThatThrownBy(() -> EngineAddress.parse("kube-pod://ns/Bad_Pod")).hasMessageContaining("invalid pod name");
    assertThatThrownBy(() -> EngineAddress.parse("kube-pod://ns/")).hasMessageContaining("kube-pod://NAMESPACE/POD");
    assertThatThrownBy(() -> EngineAddress.parse("tcp://h:1?cacert=/ca.pem&nope=1")).hasMessageContaining(
        "unknown option 'nope'");
    assertThatThrownBy(() -> EngineAddress.parse("tcp://h:1?cert=/c.pem")).hasMessageContaining("needs its key");
    assertThatThrownBy(() -> EngineAddress.parse("tcp://h:1?tlsdir=/d&cacert=/ca.pem")).hasMessageContaining(
        "--tlsdir cannot be combined");
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

    var sshDocker = EngineAddress.discover(null, Map.of("DOCKER_HOST", "ssh://me@far"), p -> false);
    assertThat(sshDocker).last().satisfies(c -> {
      assertThat(c.address()).isNull();
      assertThat(c.describe()).startsWith("ssh://me@far ($DOCKER_HOST): only unix:// and tcp://");
    });
    assertThat(EngineAddress.candidates(null, Map.of("DOCKER_HOST", "ssh://me@far"))).isEmpty();
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

  @Test
  void dockerOverTcpFollowsDockersVariables() {
    var plain = EngineAddress.candidates(null, Map.of("DOCKER_HOST", "tcp://10.1.1.1:2375"));
    assertThat(plain).last().satisfies(a -> {
      assertThat(a).hasToString("docker://tcp://10.1.1.1:2375");
      assertThat(a.docker()).isTrue();
      assertThat(a.tls()).isNull();
    });
    var verified = EngineAddress.candidates(null, Map.of("DOCKER_HOST", "tcp://10.1.1.1:2376",
        "DOCKER_TLS_VERIFY", "1", "DOCKER_CERT_PATH", "/certs"));
    assertThat(verified.get(verified.size() - 1).tls()).isEqualTo(
        new EngineTls(Path.of("/certs/ca.pem"), null, null, null));
    var home = EngineAddress.candidates(null, Map.of("DOCKER_HOST", "tcp://h:2376", "DOCKER_TLS_VERIFY", "1",
        "HOME", "/home/me"));
    assertThat(home.get(home.size() - 1).tls().ca()).isEqualTo(Path.of("/home/me/.docker/ca.pem"));
  }

  @Test
  void tlsComesFromTheAddressThenTheFlagsThenKilnsVariables() {
    EngineTls flags = new EngineTls(Path.of("/flag/ca.pem"), Path.of("/flag/c.pem"), Path.of("/flag/k.pem"), null);
    Map<String, String> env = Map.of(EngineTls.ENV_CA, "/env/ca.pem", EngineTls.ENV_SERVER_NAME, "engine.test");
    assertThat(only("tcp://h:1?cacert=/q/ca.pem&servername=n", flags, env).tls())
        .isEqualTo(new EngineTls(Path.of("/q/ca.pem"), null, null, "n"));
    assertThat(only("tcp://h:1", flags, env).tls()).isEqualTo(flags);
    assertThat(only("tcp://h:1", null, env).tls()).isEqualTo(new EngineTls(Path.of("/env/ca.pem"), null, null,
        "engine.test"));
    assertThat(only("tcp://h:1", null, Map.of()).tls()).isNull();
    assertThat(EngineAddress.discover("unix:///b.sock", flags, Map.of(), p -> true)).singleElement()
        .satisfies(c -> assertThat(c.skipped()).contains("tcp:// engines only"));
  }

  private static EngineAddress only(String flag, EngineTls tls, Map<String, String> env) {
    var c = EngineAddress.discover(flag, tls, env, p -> true);
    assertThat(c).hasSize(1);
    assertThat(c.get(0).skipped()).isNull();
    return c.get(0).address();
  }

  @Test
  void aTlsDirectoryHoldsDockersNamesOrASecretsNames(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    java.nio.file.Files.writeString(dir.resolve("tls.crt"), "");
    java.nio.file.Files.writeString(dir.resolve("tls.key"), "");
    assertThat(EngineTls.fromDir(dir, null)).isEqualTo(new EngineTls(dir.resolve("ca.crt"), dir.resolve("tls.crt"),
        dir.resolve("tls.key"), null));
    assertThat(EngineTls.fromDir(dir.resolve("none"), "x")).isEqualTo(new EngineTls(dir.resolve("none/ca.pem"),
        null, null, "x"));
  }

  @Test
  void kubePodAddressesNameAPodOrSelectOne() {
    EngineAddress named = EngineAddress.parse("kube-pod://ci/buildkitd-0", "/bin/fake-kubectl");
    assertThat(named.kind()).isEqualTo(EngineAddress.Kind.KUBE_POD);
    assertThat(named).hasToString("kube-pod://ci/buildkitd-0");
    assertThat(named.pod().dialCommand()).containsExactly("/bin/fake-kubectl", "--namespace=ci", "exec", "-i",
        "buildkitd-0", "--", "buildctl", "dial-stdio");
    EngineAddress buildkitStyle = EngineAddress.parse("kube-pod://buildkitd-0?namespace=ci&context=prod&container=bk");
    assertThat(buildkitStyle.pod().dialCommand()).containsExactly("kubectl", "--context=prod", "--namespace=ci",
        "exec", "-i", "buildkitd-0", "--container=bk", "--", "buildctl", "dial-stdio");
    EngineAddress selected = EngineAddress.parse("kube-pod://ci?selector=app=buildkitd,tier!=x");
    assertThat(selected.pod().pod()).isNull();
    assertThat(selected.pod().listCommand()).containsExactly("kubectl", "--namespace=ci", "get", "pods",
        "--selector=app=buildkitd,tier!=x", "--field-selector=status.phase=Running",
        "--output=jsonpath={.items[*].metadata.name}");
    assertThat(selected).hasToString("kube-pod://ci?selector=app=buildkitd,tier!=x");
    assertThat(EngineAddress.parse("kube-pod://buildkitd-0").pod().namespace()).isNull();
  }
}
