package dev.kiln.executor.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryAuthFailureTest {
  @TempDir Path dir;

  private DockerCredentials credentials() throws Exception {
    return DockerCredentials.from(DockerConfigs.write(dir,
        "{\"auths\":{\"127.0.0.1:5001\":{\"auth\":\"" + DockerConfigs.b64("kiln:hunter2") + "\"}}}"), null);
  }

  @Test
  void theSameEngineMessageIsARefusalWithACredentialAndAMissingOneWithout() throws Exception {
    // What Docker 20.10's BuildKit says when resolving, with a wrong password and with none alike.
    String engine = "pulling from host 127.0.0.1:5001 failed with status code [manifests 1]: 401 Unauthorized";
    var refused = RegistryAuthFailure.in(engine, null, credentials()).orElseThrow();
    assertThat(refused.kind()).isEqualTo(RegistryAuthFailure.Kind.REFUSED);
    assertThat(refused.message()).isEqualTo("registry 127.0.0.1:5001 refused the credentials of user `kiln` (from auths in "
        + dir.resolve("config.json") + ")");
    var missing = RegistryAuthFailure.in(engine.replace("5001", "5002"), null, credentials()).orElseThrow();
    assertThat(missing.kind()).isEqualTo(RegistryAuthFailure.Kind.MISSING);
    assertThat(missing.message()).isEqualTo("registry 127.0.0.1:5002 asks for credentials, and none are configured"
        + " for it (looked in credHelpers and auths of " + dir.resolve("config.json") + ")");
    assertThat(missing.hint()).contains("docker login 127.0.0.1:5002");
    assertThat(refused.message() + refused.hint() + missing.message() + missing.hint()).doesNotContain("hunter2");
  }

  @Test
  void dockersPushErrorsAndOtherFailuresAreToldApart() throws Exception {
    DockerCredentials c = credentials();
    assertThat(RegistryAuthFailure.in("no basic auth credentials", "reg.example", c))
        .get().extracting(RegistryAuthFailure::kind).isEqualTo(RegistryAuthFailure.Kind.MISSING);
    assertThat(RegistryAuthFailure.in("unauthorized: authentication required", "127.0.0.1:5001", c))
        .get().extracting(RegistryAuthFailure::kind).isEqualTo(RegistryAuthFailure.Kind.REFUSED);
    assertThat(RegistryAuthFailure.in("manifest unknown: manifest unknown", "127.0.0.1:5001", c)).isEmpty();
    assertThat(RegistryAuthFailure.in("401 Unauthorized", null, c)).isEmpty(); // no registry named or known
    // A standalone buildkitd's push names the image it pushed.
    assertThat(RegistryAuthFailure.in("failed to push 127.0.0.1:5001/app:1: unexpected status: 401 Unauthorized",
        null, c)).get().extracting(RegistryAuthFailure::registry).isEqualTo("127.0.0.1:5001");
  }
}
