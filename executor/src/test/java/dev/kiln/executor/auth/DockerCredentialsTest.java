package dev.kiln.executor.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerCredentialsTest {
  @TempDir Path dir;

  private Path config(String json) throws Exception {
    return DockerConfigs.write(dir, json);
  }

  private static String b64(String s) {
    return DockerConfigs.b64(s);
  }

  /** A helper script that logs each call and answers {@code answer} (a shell snippet). */
  private Path helper(String name, String answer) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path h = bin.resolve("docker-credential-" + name);
    Files.writeString(h, "#!/bin/sh\nread -r server\necho \"$1 $server\" >> " + bin.resolve(name + ".calls") + "\n"
        + answer + "\n");
    Files.setPosixFilePermissions(h, PosixFilePermissions.fromString("rwxr-xr-x"));
    return bin;
  }

  @Test
  void inlineAuthsByHostWithOrWithoutSchemeAndHubUnderItsHistoricalKey() throws Exception {
    var c = DockerCredentials.from(config("{\"auths\":{"
        + "\"https://reg.example.com/v2/\":{\"auth\":\"" + b64("ci:pa:ss") + "\"},"
        + "\"https://index.docker.io/v1/\":{\"auth\":\"" + b64("hub:hubpass") + "\"},"
        + "\"tok.example\":{\"identitytoken\":\"refresh-1\"},"
        + "\"placeholder.example\":{}}}"), null);
    assertThat(c.lookup("reg.example.com")).get().isEqualTo(
        new RegistryCredential.Password("ci", "pa:ss", "auths in " + dir.resolve("config.json")));
    for (String hub : List.of("docker.io", "registry-1.docker.io", "index.docker.io")) {
      assertThat(c.lookup(hub)).get().extracting(RegistryCredential::secret).isEqualTo("hubpass");
    }
    assertThat(c.lookup("tok.example")).get().isInstanceOf(RegistryCredential.IdentityToken.class)
        .extracting(RegistryCredential::secret).isEqualTo("refresh-1");
    assertThat(c.lookup("placeholder.example")).isEmpty();
    assertThat(c.lookup("other.example")).isEmpty();
  }

  @Test
  void aMissingFileIsAnonymousAndABrokenOneAnErrorThatQuotesNoCredential() throws Exception {
    assertThat(DockerCredentials.from(dir.resolve("absent.json"), null).lookup("reg.example")).isEmpty();
    var broken = DockerCredentials.from(config("{\"auths\":{\"reg.example\":{\"auth\":\"c2VjcmV0LXZhbHVl\"}}"), null);
    assertThatThrownBy(() -> broken.lookup("reg.example"))
        .isInstanceOf(RegistryCredentialsException.class)
        .hasMessageContaining("cannot read the Docker configuration " + dir.resolve("config.json"))
        .hasMessageContaining("not valid JSON (line 1")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("c2VjcmV0"));
    var badBase64 = DockerCredentials.from(config("{\"auths\":{\"reg.example\":{\"auth\":\"%%%\"}}}"), null);
    assertThatThrownBy(() -> badBase64.lookup("reg.example")).hasMessageContaining("is not base64");
  }

  @Test
  void credHelpersWinOverCredsStoreWhichWinsOverAuthsAndEachRegistryIsAskedOnce() throws Exception {
    Path bin = helper("per", "echo '{\"Username\":\"u-'$server'\",\"Secret\":\"from-per\"}'");
    helper("store", "if [ \"$server\" = stored.example ]; then echo '{\"Username\":\"<token>\",\"Secret\":\"tok\"}';"
        + " else echo 'credentials not found in native keychain'; exit 1; fi");
    var c = DockerCredentials.from(config("{\"credHelpers\":{\"reg.example\":\"per\"},\"credsStore\":\"store\","
        + "\"auths\":{\"reg.example\":{\"auth\":\"" + b64("inline:ignored") + "\"},"
        + "\"inline.example\":{\"auth\":\"" + b64("in:line") + "\"}}}"), bin.toString());
    assertThat(c.lookup("reg.example")).get().isEqualTo(new RegistryCredential.Password("u-reg.example", "from-per",
        "credential helper docker-credential-per, credHelpers in " + dir.resolve("config.json")));
    assertThat(c.lookup("stored.example")).get().isInstanceOf(RegistryCredential.IdentityToken.class);
    // the store has nothing for it: the inline entry still counts
    assertThat(c.lookup("inline.example")).get().extracting(RegistryCredential::secret).isEqualTo("line");
    assertThat(c.lookup("nothing.example")).isEmpty();
    c.lookup("reg.example");
    assertThat(Files.readAllLines(bin.resolve("per.calls"))).containsExactly("get reg.example");
    assertThat(Files.readAllLines(bin.resolve("store.calls")))
        .containsExactly("get stored.example", "get inline.example", "get nothing.example");
  }

  @Test
  void dockerHubIsAskedOfHelpersUnderItsHistoricalKey() throws Exception {
    Path bin = helper("hub", "echo '{\"Username\":\"me\",\"Secret\":\"s\"}'");
    var c = DockerCredentials.from(config("{\"credsStore\":\"hub\"}"), bin.toString());
    assertThat(c.lookup("registry-1.docker.io")).isPresent();
    assertThat(Files.readAllLines(bin.resolve("hub.calls"))).containsExactly("get https://index.docker.io/v1/");
  }

  @Test
  void aHelperMissingOnPathOrFailingIsAnErrorNamingItAndTheRegistry() throws Exception {
    var missing = DockerCredentials.from(config("{\"credHelpers\":{\"reg.example\":\"absent\"}}"),
        dir.resolve("empty").toString());
    assertThatThrownBy(() -> missing.lookup("reg.example"))
        .isInstanceOf(RegistryCredentialsException.class)
        .hasMessage("the credential helper docker-credential-absent for registry reg.example (credHelpers in "
            + dir.resolve("config.json") + ") is not on PATH");
    assertThat(missing.answered("reg.example")).get().isInstanceOf(DockerCredentials.Lookup.Failed.class);
    assertThat(missing.lookup("other.example")).isEmpty(); // only that registry names the helper

    Path bin = helper("broken", "echo 'keychain locked' >&2; exit 3");
    var failing = DockerCredentials.from(config("{\"credsStore\":\"broken\"}"), bin.toString());
    assertThatThrownBy(() -> failing.lookup("reg.example"))
        .hasMessage("the credential helper docker-credential-broken for registry reg.example (credsStore in "
            + dir.resolve("config.json") + ") failed (exit code 3): keychain locked");
  }

  @Test
  void lookupAllGivesTheSecretsToMaskAndStopsAtABrokenRegistry() throws Exception {
    var c = DockerCredentials.from(config("{\"auths\":{\"a.example\":{\"auth\":\"" + b64("u:pa") + "\"},"
        + "\"b.example\":{\"identitytoken\":\"tb\"}},\"credHelpers\":{\"c.example\":\"absent\"}}"), "/nonexistent");
    assertThat(c.lookupAll(List.of("a.example", "b.example", "docker.io")))
        .map(b -> new String(b, StandardCharsets.UTF_8)).containsExactly("pa", "tb");
    assertThatThrownBy(() -> c.lookupAll(List.of("a.example", "c.example")))
        .isInstanceOf(RegistryCredentialsException.class).hasMessageContaining("c.example");
  }

  @Test
  void loadReadsDockerConfigFirst() throws Exception {
    config("{\"auths\":{\"reg.example\":{\"auth\":\"" + b64("u:p") + "\"}}}");
    var c = DockerCredentials.load(Map.of("DOCKER_CONFIG", dir.toString()));
    assertThat(c.file()).isEqualTo(dir.resolve("config.json"));
    assertThat(c.lookup("reg.example")).isPresent();
  }
}
