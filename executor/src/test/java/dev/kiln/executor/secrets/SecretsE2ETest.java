package dev.kiln.executor.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.executor.MaskingListener;
import dev.kiln.executor.PlainProgress;
import dev.kiln.executor.SecretMasker;
import dev.kiln.executor.engine.BuildkitConnection;
import dev.kiln.executor.engine.Engines;
import dev.kiln.executor.engine.Gateway;
import dev.kiln.executor.engine.Session;
import dev.kiln.executor.engine.SolveOptions;
import dev.kiln.model.SecretSource;
import dev.kiln.planner.llb.Exec;
import dev.kiln.planner.llb.ImageRef;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.Mounts;
import dev.kiln.planner.llb.Platform;
import dev.kiln.planner.llb.Sources;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("e2e")
class SecretsE2ETest {
  @TempDir Path project;

  @Test
  void secretReachesTheStepButNotTheDefinitionNorTheLogs() throws Exception {
    String value = "tok-" + UUID.randomUUID();
    SecretStore store = new SecretStore(Map.of("token", new SecretSource.Environment("KILN_TEST_TOKEN")), Map.of("KILN_TEST_TOKEN", value), project);
    var state = Sources.image(ImageRef.parse("busybox:latest"), Platform.LINUX_AMD64)
        // Secret values are not part of cache keys (by BuildKit's design): a nonce makes the step run.
        .run(Exec.of("sh", "-c", "echo " + UUID.randomUUID() + " >/dev/null; mkdir -p /out && md5sum < /run/secrets/token | cut -d' ' -f1 > /out/h;"
                + " echo leaking $(cat /run/secrets/token); echo b64 $(base64 /run/secrets/token)")
            .withMount(Mounts.secret("/run/secrets/token", "token"))).root();
    var def = new Marshaller().marshal(state);
    assertThat(new String(def.toPb().toByteArray(), StandardCharsets.ISO_8859_1)).doesNotContain(value);

    StringWriter log = new StringWriter();
    var progress = new MaskingListener(SecretMasker.of(store.resolveAll()), new PlainProgress(new PrintWriter(log)));
    try (BuildkitConnection c = Engines.connect();
        Session s = Session.builder().addService(new SecretsService(store)).start(c);
        Gateway gw = Gateway.open(c, SolveOptions.none().withSession(s.id()), r -> progress.status("t", def, r))) {
      String ref = gw.solve(def.toPb(), List.of());
      String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(value.getBytes(StandardCharsets.UTF_8)));
      assertThat(new String(gw.readFile(ref, "/out/h"), StandardCharsets.UTF_8).trim()).isEqualTo(md5);
    }
    assertThat(log.toString()).contains("leaking ***").doesNotContain(value)
        .doesNotContain(Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void unknownSecretFailsTheStepWithoutLeakingOthers() throws Exception {
    SecretStore store = new SecretStore(Map.of(), Map.of(), project);
    var state = Sources.image(ImageRef.parse("busybox:latest"), Platform.LINUX_AMD64)
        .run(Exec.of("cat", "/run/secrets/missing").withMount(Mounts.secret("/run/secrets/missing", "missing"))).root();
    try (BuildkitConnection c = Engines.connect();
        Session s = Session.builder().addService(new SecretsService(store)).start(c);
        Gateway gw = Gateway.open(c, SolveOptions.none().withSession(s.id()), r -> { })) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> gw.solve(new Marshaller().marshal(state).toPb(), List.of()))
          .hasMessageContaining("secret");
    }
  }
}
