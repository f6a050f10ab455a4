package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.kiln.cli.KilnProcess.Result;
import dev.kiln.testsupport.AuthRegistry;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln run} against a second registry that asks for a password (htpasswd), with the Docker
 * configuration a user would have ({@code DOCKER_CONFIG}: {@code auths}, or {@code credHelpers}
 * with a helper script on PATH). Kiln runs as a separate process, as users run it, so that its
 * environment is the test's to choose and every byte it prints is checked for the credentials.
 */
@Tag("e2e")
class PrivateRegistryE2ETest {
  private static final String USER = "kiln";
  private static final String PASSWORD = "pw-" + UUID.randomUUID();
  private static AuthRegistry registry;

  @TempDir Path dir;
  private final List<String> localImages = new ArrayList<>();
  private final List<String> outputs = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    DockerEngine.require();
    registry = AuthRegistry.startForTest(USER, PASSWORD);
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  @AfterEach
  void cleanUpAndCheckNoCredentialWasPrinted() throws Exception {
    for (String ref : localImages) {
      docker(null, "rmi", "-f", ref);
    }
    String basic = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    for (String output : outputs) {
      assertThat(output).doesNotContain(PASSWORD).doesNotContain(basic);
    }
  }

  private Result kiln(Path dockerConfig, Path extraPath, String... args) throws Exception {
    Result run = KilnProcess.run(dir, env -> {
      env.put("DOCKER_CONFIG", dockerConfig.toString());
      if (extraPath != null) {
        env.put("PATH", extraPath + File.pathSeparator + env.getOrDefault("PATH", ""));
      }
    }, args);
    outputs.add(run.all());
    return run;
  }

  private Path pipeline(String body) throws Exception {
    Path p = dir.resolve("pipeline.pkl");
    Files.writeString(p, "amends \".kiln/schema/Pipeline.pkl\"\n" + body);
    return p;
  }

  private Path auths(String name, String password) throws Exception {
    return registry.dockerConfig(name + "-" + UUID.randomUUID(), registry.authsJson(USER, password));
  }

  private Path noCredentials() throws Exception {
    return registry.dockerConfig("empty-" + UUID.randomUUID(), "{}");
  }

  private static String tag() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void publishingWithAuthsReportsTheRegistrysDigestInEveryOutputAndAsResults() throws Exception {
    String tag = tag();
    String ref = registry.host() + "/kiln-e2e/app:" + tag;
    localImages.add(ref); // the moby exporter tags it in Docker's store before Kiln pushes it
    List<String> posted = new CopyOnWriteArrayList<>();
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext("/deploy", ex -> {
      posted.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    hook.start();
    try {
      Path p = pipeline("""
          import ".kiln/schema/functions/http.pkl"
          local app = container.from("busybox:latest").withExec(List("sh", "-c", "echo %s > /version"))
          tasks {
            ["image"] { publish = app; ref = "%s" }
            ["deploy"] {
              dependsOn { "image" }
              call = http.post("http://127.0.0.1:%d/deploy", "deploy \\(module.resultOf("image", "ref"))",
                "text/plain", null, null, 10)
            }
          }
          """.formatted(tag, ref, hook.getAddress().getPort()));
      Result plain = kiln(auths("auths", PASSWORD), null, "run", "-f", p.toString(), "--progress", "plain");
      assertThat(plain.exit()).as(plain.all()).isZero();
      String digest = registry.manifestDigest("kiln-e2e/app", tag);
      String pinned = ref + "@" + digest;
      assertThat(plain.out()).contains("[image] published " + pinned + "\n");
      assertThat(plain.err()).contains("kiln: published " + pinned + "\n");
      assertThat(Files.readString(dir.resolve(".kiln/results/image/digest"))).isEqualTo(digest);
      assertThat(Files.readString(dir.resolve(".kiln/results/image/ref"))).isEqualTo(pinned);
      assertThat(posted).containsExactly("deploy " + pinned);

      Result json = kiln(auths("auths", PASSWORD), null, "run", "-f", p.toString(), "--progress", "json", "image");
      assertThat(json.exit()).as(json.all()).isZero();
      JsonNode publish = json.out().lines().map(PrivateRegistryE2ETest::parse)
          .filter(e -> e.path("event").asText().equals("publish")).findFirst().orElseThrow();
      assertThat(publish.path("task").asText()).isEqualTo("image");
      assertThat(publish.path("ref").asText()).isEqualTo(ref);
      assertThat(publish.path("digest").asText()).isEqualTo(digest);
      assertThat(publish.path("pinned").asText()).isEqualTo(pinned);
    } finally {
      hook.stop(0);
    }
  }

  @Test
  void aMultiPlatformIndexIsPutWithTheSameCredentials() throws Exception {
    assumeTrue(Files.exists(Path.of("/proc/sys/fs/binfmt_misc/qemu-aarch64")), "no arm64 emulation here");
    String tag = tag();
    String ref = registry.host() + "/kiln-e2e/multi:" + tag;
    localImages.add(ref + "-linux-amd64");
    localImages.add(ref + "-linux-arm64");
    Path p = pipeline("""
        tasks {
          ["image"] {
            publish = container.from("busybox:latest").withExec(List("sh", "-c", "echo %s > /version"))
            ref = "%s"
            platforms { "linux/amd64"; "linux/arm64" }
          }
        }
        """.formatted(tag, ref));

    Result run = kiln(auths("auths", PASSWORD), null, "run", "-f", p.toString(), "--progress", "plain");

    assertThat(run.exit()).as(run.all()).isZero();
    String digest = registry.manifestDigest("kiln-e2e/multi", tag);
    assertThat(Files.readString(dir.resolve(".kiln/results/image/digest"))).isEqualTo(digest);
    assertThat(run.out()).contains("[image] published " + ref + "@" + digest);
  }

  @Test
  void aPrivateBaseImageRunsWithACredentialHelperAndFailsClearlyWithout() throws Exception {
    String tag = tag();
    String base = registry.host() + "/kiln-e2e/base:" + tag;
    // Pushed with the docker CLI and the same configuration a user would have, then removed from
    // Docker's store: its BuildKit prefers a local image and would never ask the registry.
    Path withAuths = auths("auths", PASSWORD);
    String mirrored = "127.0.0.1:5000/library/busybox:latest";
    if (!docker(null, "image", "inspect", mirrored)) {
      docker(withAuths, "pull", mirrored);
      localImages.add(mirrored);
    }
    docker(withAuths, "tag", mirrored, base);
    docker(withAuths, "push", base);
    docker(withAuths, "rmi", base);
    String marker = "private-" + tag;
    Path p = pipeline("""
        local base = container.from("%s")
        tasks { ["hello"] { run = base.withExec(List("sh", "-c", "echo %s-ok")) } }
        """.formatted(base, marker));

    Path helperBin = registry.credentialHelper("kilntest", PASSWORD);
    Path viaHelper = registry.dockerConfig("helper-" + tag, "{\"credHelpers\":{\"" + registry.host() + "\":\"kilntest\"}}");
    Result ok = kiln(viaHelper, helperBin, "run", "-f", p.toString(), "--progress", "plain");
    assertThat(ok.exit()).as(ok.all()).isZero();
    assertThat(ok.out()).contains(marker + "-ok");

    Result missing = kiln(noCredentials(), null, "run", "-f", p.toString(), "--progress", "plain");
    assertThat(missing.exit()).as(missing.all()).isEqualTo(ExitCodes.TASK_FAILED);
    assertThat(missing.err()).contains("resolving image " + base + " failed: registry " + registry.host()
        + " asks for credentials, and none are configured for it").doesNotContain("check the image name");

    Path wrongHelperBin = registry.credentialHelper("kilnwrong", "not-" + PASSWORD);
    Path viaWrongHelper = registry.dockerConfig("wrong-helper-" + tag,
        "{\"credHelpers\":{\"" + registry.host() + "\":\"kilnwrong\"}}");
    Result refused = kiln(viaWrongHelper, wrongHelperBin, "run", "-f", p.toString(), "--progress", "plain");
    assertThat(refused.exit()).as(refused.all()).isEqualTo(ExitCodes.TASK_FAILED);
    assertThat(refused.err()).contains("resolving image " + base + " failed: registry " + registry.host()
        + " refused the credentials of user `" + USER + "` (from credential helper docker-credential-kilnwrong");
  }

  @Test
  void aWrongPasswordAndNoCredentialFailThePushDifferentlyNamingTheRegistry() throws Exception {
    String ref = registry.host() + "/kiln-e2e/app:" + tag();
    localImages.add(ref);
    Path p = pipeline("""
        local app = container.from("busybox:latest")
        tasks { ["image"] { publish = app; ref = "%s" } }
        """.formatted(ref));
    String wrong = "wrong-" + UUID.randomUUID();
    Result refused = kiln(auths("wrong", wrong), null, "run", "-f", p.toString(), "--progress", "plain");
    assertThat(refused.exit()).as(refused.all()).isEqualTo(ExitCodes.TASK_FAILED);
    assertThat(refused.err()).contains("task image failed: pushing " + ref + " failed: registry " + registry.host()
        + " refused the credentials of user `" + USER + "` (from auths in ");
    assertThat(refused.all()).doesNotContain(wrong);

    Result missing = kiln(noCredentials(), null, "run", "-f", p.toString(), "--progress", "plain");
    assertThat(missing.exit()).as(missing.all()).isEqualTo(ExitCodes.TASK_FAILED);
    assertThat(missing.err()).contains("task image failed: pushing " + ref + " failed: registry " + registry.host()
        + " asks for credentials, and none are configured for it")
        .contains("  hint: run `docker login " + registry.host() + "`");
  }

  @Test
  void aCredentialHelperMissingFromPathStopsTheRunBeforeAnythingRuns() throws Exception {
    String ref = registry.host() + "/kiln-e2e/app:" + tag();
    Path p = pipeline("""
        local app = container.from("busybox:latest")
        tasks { ["image"] { publish = app; ref = "%s" } }
        """.formatted(ref));
    Path config = registry.dockerConfig("absent-helper", "{\"credHelpers\":{\"" + registry.host() + "\":\"kilnabsent\"}}");
    Result run = kiln(config, null, "run", "-f", p.toString(), "--progress", "plain");
    assertThat(run.exit()).as(run.all()).isEqualTo(ExitCodes.INVALID);
    assertThat(run.err()).contains("the credential helper docker-credential-kilnabsent for registry " + registry.host()
        + " (credHelpers in " + config.resolve("config.json") + ") is not on PATH");
    assertThat(run.out()).doesNotContain("[image] started");
  }

  private static JsonNode parse(String line) {
    try {
      return new ObjectMapper().readTree(line);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }

  /**
   * The docker CLI with {@code config} as its configuration directory (null: the default); fails
   * the test if it fails, except {@code rmi} and {@code image inspect}, whose answer it returns.
   */
  private static boolean docker(Path config, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("docker"));
    if (config != null) {
      command.addAll(List.of("--config", config.toString()));
    }
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    if (!args[0].equals("rmi") && !args[0].equals("image")) {
      assertThat(p.exitValue()).as("docker %s: %s", List.of(args), out).isZero();
    }
    return p.exitValue() == 0;
  }
}
