package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A two-platform image (linux/amd64 and linux/arm64, the latter under qemu emulation) published
 * to the local registry as one index, each platform's image then run by Kiln ({@code uname -m});
 * and the time of a two-platform publish against a one-platform one.
 */
@Tag("e2e")
class MultiPlatformE2ETest extends KilnInProcess {
  private static final String REGISTRY = "127.0.0.1:5000";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @BeforeAll
  static void engineCanEmulateArm64() throws Exception {
    DockerEngine.require();
    assumeTrue(Files.exists(Path.of("/proc/sys/fs/binfmt_misc/qemu-aarch64")),
        "no arm64 emulation on this machine (scripts/engine-up.sh registers it when it can)");
    HttpResponse<String> base = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://" + REGISTRY + "/v2/library/busybox/manifests/latest"))
        .header("Accept", "application/vnd.docker.distribution.manifest.list.v2+json").build(),
        HttpResponse.BodyHandlers.ofString());
    assumeTrue(base.statusCode() == 200 && base.body().contains("\"arm64\""),
        "no linux/arm64 busybox in the local registry (scripts/engine-up.sh builds it when Debian's arm64 package is there)");
  }

  @Test
  void aTwoPlatformImageIsOneIndexWhosePlatformsEachRun() throws Exception {
    String tag = "t" + UUID.randomUUID().toString().substring(0, 8);
    String ref = REGISTRY + "/kiln-e2e/multi:" + tag;
    Path pipeline = Files.writeString(dir.resolve("pipeline.pkl"), """
        amends ".kiln/schema/Pipeline.pkl"

        tasks {
          ["image"] {
            publish = container.from("busybox:latest")
              .withExec(List("sh", "-c", "mkdir -p /etc/app && uname -m > /etc/app/built-on && echo %s > /etc/app/tag"))
            ref = "%s"
            platforms { "linux/amd64"; "linux/arm64" }
          }
        }
        """.formatted(tag, ref));

    long start = System.nanoTime();
    assertThat(kiln("run", "-f", pipeline.toString(), "--progress", "plain")).as(out + "\n" + err).isZero();
    long twoPlatforms = System.nanoTime() - start;

    String digest = Files.readString(dir.resolve(".kiln/results/image/digest")).strip();
    HttpResponse<String> index = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + REGISTRY
        + "/v2/kiln-e2e/multi/manifests/" + tag)).header("Accept",
        "application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.index.v1+json").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("Docker-Content-Digest")).contains(digest);
    JsonNode json = new ObjectMapper().readTree(index.body());
    List<String> platforms = new ArrayList<>();
    json.path("manifests").forEach(m -> platforms.add(m.path("platform").path("os").asText() + "/"
        + m.path("platform").path("architecture").asText()));
    assertThat(platforms).containsExactly("linux/amd64", "linux/arm64");
    assertThat(out.toString() + err).contains("published " + ref + "@" + digest);

    // Each platform's image of the index runs: built on and running on its own architecture.
    Path check = Files.writeString(dir.resolve("check.pkl"), """
        amends ".kiln/schema/Pipeline.pkl"

        local script = List("sh", "-c", "mkdir -p /out && (cat /etc/app/built-on; uname -m) > /out/arch")
        tasks {
          ["amd64"] {
            run = (container.from("%1$s")) { platform = "linux/amd64" }.withExec(script)
            exports { ["/out/arch"] = "build/amd64.txt" }
          }
          ["arm64"] {
            run = (container.from("%1$s")) { platform = "linux/arm64" }.withExec(script)
            exports { ["/out/arch"] = "build/arm64.txt" }
          }
        }
        """.formatted(ref));
    assertThat(kiln("run", "-f", check.toString(), "--progress", "plain")).as(out + "\n" + err).isZero();
    assertThat(dir.resolve("build/amd64.txt")).hasContent("x86_64\nx86_64");
    assertThat(dir.resolve("build/arm64.txt")).hasContent("aarch64\naarch64");

    // The same image for one platform, not cached either (another tag in the step), for the time.
    Files.writeString(pipeline, Files.readString(pipeline).replace(tag, tag + "-one")
        .replace("platforms { \"linux/amd64\"; \"linux/arm64\" }", "platforms { \"linux/amd64\" }"));
    start = System.nanoTime();
    assertThat(kiln("run", "-f", pipeline.toString(), "--progress", "plain")).as(out + "\n" + err).isZero();
    long onePlatform = System.nanoTime() - start;
    System.out.printf("multi-platform publish: two platforms %.1f s, one platform %.1f s%n",
        twoPlatforms / 1e9, onePlatform / 1e9);
  }

  @Test
  void aPlatformTheEngineCannotRunIsAnErrorBeforeTheRun() throws Exception {
    Path pipeline = Files.writeString(dir.resolve("pipeline.pkl"), """
        amends ".kiln/schema/Pipeline.pkl"

        tasks {
          ["image"] {
            publish = container.from("busybox:latest")
            ref = "%s/kiln-e2e/multi:never"
            platforms { "linux/amd64"; "linux/sparc64" }
          }
        }
        """.formatted(REGISTRY));

    assertThat(kiln("run", "-f", pipeline.toString(), "--progress", "plain")).as(out + "\n" + err).isEqualTo(2);
    assertThat(err.toString()).contains("publishes for linux/sparc64, which the engine")
        .contains("its platforms: linux/amd64").contains("qemu-user-static");
  }
}
