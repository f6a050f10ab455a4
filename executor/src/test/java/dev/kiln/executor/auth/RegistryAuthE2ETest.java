package dev.kiln.executor.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.executor.PlanRunner;
import dev.kiln.executor.PublishedImage;
import dev.kiln.executor.RunReport;
import dev.kiln.executor.EngineException;
import dev.kiln.executor.SolveException;
import dev.kiln.executor.engine.BuildkitConnection;
import dev.kiln.executor.engine.EngineImageConfigs;
import dev.kiln.executor.engine.Engines;
import dev.kiln.executor.engine.ImagePublisher;
import dev.kiln.model.Container;
import dev.kiln.model.Pipeline;
import dev.kiln.model.Task;
import dev.kiln.planner.EngineCapabilities;
import dev.kiln.planner.ImageConfig;
import dev.kiln.planner.Plan;
import dev.kiln.planner.PlannerBuilder;
import dev.kiln.planner.llb.Exec;
import dev.kiln.planner.llb.ImageRef;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.Platform;
import dev.kiln.planner.llb.Sources;
import dev.kiln.testsupport.AuthRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registry credentials on the real engine, against a second registry that asks for a password
 * (htpasswd): the engine's pushes carry the configured credential and report the registry's digest,
 * private base images resolve and pull through the session's auth service (a credential helper
 * here), and a refused credential and a missing one fail differently, naming the registry.
 */
@Tag("e2e")
class RegistryAuthE2ETest {
  private static final String USER = "kiln";
  private static final String PASSWORD = "pw-" + UUID.randomUUID();
  private static AuthRegistry registry;

  @TempDir Path project;
  private final List<String> pushed = new ArrayList<>();

  @BeforeAll
  static void startRegistry() throws Exception {
    registry = AuthRegistry.startForTest(USER, PASSWORD);
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  @AfterEach
  void removeImages() throws Exception {
    for (String ref : pushed) {
      removeLocal(ref);
    }
  }

  /**
   * Removes Docker's copy of an image the moby exporter tagged before Kiln pushed it: Docker's
   * BuildKit prefers a local image, so a private one must be gone for the registry to be asked.
   */
  private static void removeLocal(String ref) throws Exception {
    new ProcessBuilder("docker", "rmi", "-f", ref).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
  }

  private DockerCredentials auths(String password) throws Exception {
    Path dir = registry.dockerConfig("config-" + UUID.randomUUID(), registry.authsJson(USER, password));
    return DockerCredentials.from(dir.resolve("config.json"), "/nonexistent");
  }

  private PublishedImage publish(DockerCredentials credentials, String ref) {
    pushed.add(ref);
    var state = Sources.image(ImageRef.parse("busybox:latest"), Platform.LINUX_AMD64)
        .run(Exec.of("sh", "-c", "echo " + ref + " > /marker")).root();
    var config = new ImageConfig(List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin"), "/", "", List.of(), List.of("sh"), "");
    try (BuildkitConnection c = Engines.connect()) {
      return new ImagePublisher(c, credentials).publish(new Marshaller().marshal(state).toPb(), config, ref, null,
          r -> { });
    }
  }

  @Test
  void pushCarriesTheConfiguredPasswordAndReportsTheRegistrysDigest() throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String ref = registry.host() + "/kiln-e2e/app:" + tag;
    PublishedImage image = publish(auths(PASSWORD), ref);
    assertThat(image.digest()).isEqualTo(registry.manifestDigest("kiln-e2e/app", tag));
    assertThat(image.pinned()).isEqualTo(ref + "@" + image.digest());
  }

  @Test
  void aRefusedPasswordAndNoCredentialAreDifferentErrorsNamingTheRegistry() throws Exception {
    String ref = registry.host() + "/kiln-e2e/app:" + UUID.randomUUID().toString().substring(0, 8);
    String wrong = "wrong-" + UUID.randomUUID();
    assertThatThrownBy(() -> publish(auths(wrong), ref))
        .isInstanceOf(SolveException.class)
        .hasMessageStartingWith("pushing " + ref + " failed: registry " + registry.host()
            + " refused the credentials of user `" + USER + "` (from auths in ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong));
    assertThatThrownBy(() -> publish(DockerCredentials.from(project.resolve("none.json"), null), ref))
        .isInstanceOf(SolveException.class)
        .hasMessageStartingWith("pushing " + ref + " failed: registry " + registry.host()
            + " asks for credentials, and none are configured for it")
        .satisfies(e -> assertThat(((SolveException) e).hint()).hasValueSatisfying(
            h -> assertThat(h).contains("docker login " + registry.host())));
  }

  @Test
  void aPrivateBaseImageResolvesAndRunsWithACredentialHelper() throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String base = registry.host() + "/kiln-e2e/base:" + tag;
    publish(auths(PASSWORD), base);
    removeLocal(base);
    Path helperDir = registry.credentialHelper("kilne2e", PASSWORD);
    Path config = registry.dockerConfig("helper-" + tag, "{\"credHelpers\":{\"" + registry.host() + "\":\"kilne2e\"}}");
    DockerCredentials viaHelper = DockerCredentials.from(config.resolve("config.json"), helperDir.toString());
    Pipeline pipeline = Pipeline.of(Task.run("on-private",
        Container.from(base).withExec("sh", "-c", "grep -q " + tag + " /marker")));
    try (BuildkitConnection c = Engines.connect()) {
      Plan plan = plan(c, pipeline, viaHelper);
      RunReport report = new PlanRunner(c, dirs -> List.of(new AuthService(viaHelper).bindService()),
          new PlanRunner.Options(1, false, project, "auth-e2e", List.of(), List.of(), false,
              dev.kiln.executor.SecretMasker.none(), viaHelper),
          new PlanRunner.Listener() { }).run(plan);
      assertThat(report.succeeded()).as(String.valueOf(report)).isTrue();

      // Without the credential, resolving the base image fails at once, saying why.
      assertThatThrownBy(() -> plan(c, pipeline, DockerCredentials.from(project.resolve("none.json"), null)))
          .isInstanceOf(EngineException.class)
          .hasMessageStartingWith("resolving image " + base + " failed: registry " + registry.host()
              + " asks for credentials, and none are configured for it");
    }
  }

  private static Plan plan(BuildkitConnection c, Pipeline pipeline, DockerCredentials credentials) {
    try (EngineImageConfigs images = new EngineImageConfigs(c, credentials)) {
      return PlannerBuilder.preconfigured().setEngineCapabilities(EngineCapabilities.dockerV20_10())
          .setImageConfigs(images).build().plan(pipeline, List.of());
    }
  }
}
