package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service with what a step can have on the real engine: a host directory, a cache volume, a
 * secret file and a secret variable; the secrets masked in its log as Kiln shows it.
 */
@Tag("e2e")
class ServiceMountsE2ETest extends KilnInProcess {
  @TempDir Path dir;

  @BeforeAll
  static void engineIsThere() {
    DockerEngine.require();
  }

  private static String md5(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aServiceReadsAHostDirectoryACacheVolumeASecretFileAndASecretVariable() throws Exception {
    String marker = UUID.randomUUID().toString();
    String token = "tok-" + UUID.randomUUID();
    String password = "pw-" + UUID.randomUUID();
    Files.createDirectories(dir.resolve("site"));
    Files.writeString(dir.resolve("site/index.html"), "site " + marker + "\n");
    Files.writeString(dir.resolve("tok.txt"), token);
    Files.writeString(dir.resolve("pw.txt"), password);
    Path p = Files.writeString(dir.resolve("pipeline.pkl"), """
        amends ".kiln/schema/Pipeline.pkl"
        local web = container.from("busybox:latest")
          .withMountedDirectory("/site", host.directory("site"))
          .withMountedCache("/cache", cacheVolume("kiln-e2e-svc-%1$s"))
          .withMountedSecret("/run/secrets/tok", fileSecret("tok", "tok.txt"))
          .withSecretVariable("PASSWORD", fileSecret("pw", "pw.txt"))
          .withDefaultArgs(List("sh", "-c", "mkdir -p /srv && cp /site/index.html /srv/ && printf %%s \\"$PASSWORD\\" | md5sum > /srv/pw.md5 && md5sum < /run/secrets/tok > /srv/tok.md5 && echo started >> /cache/starts && wc -l < /cache/starts > /srv/starts && echo service sees $PASSWORD and $(cat /run/secrets/tok) && exec httpd -f -p 8080 -h /srv"))
          .asService(List(8080), null)
        tasks {
          ["check"] {
            run = container.from("busybox:latest")
              .withServiceBinding("web", web)
              .withEnvVariable("RUN", "%1$s")
              .withExec(List("sh", "-c", "for f in index.html pw.md5 tok.md5 starts; do echo \\"$f: $(wget -q -O- http://web:8080/$f)\\"; done; exit 3"))
          }
        }
        """.formatted(marker));
    for (int run = 1; run <= 2; run++) {
      assertThat(kiln("run", "-f", p.toString(), "--progress", "plain")).as(out + "\n" + err).isEqualTo(1);
      String shown = out + "\n" + err;
      assertThat(out.toString()).contains("index.html: site " + marker)
          .contains("pw.md5: " + md5(password) + "  -").contains("tok.md5: " + md5(token) + "  -")
          .as("the cache volume keeps the starts of earlier runs").contains("starts: " + run);
      assertThat(err.toString()).contains("web | service sees *** and ***");
      assertThat(shown).doesNotContain(password).doesNotContain(token);
    }
    assertThat(kiln("plan", "-f", p.toString(), "--format", "json")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("tok").doesNotContain(password).doesNotContain(token);
  }
}
