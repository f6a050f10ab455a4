package dev.kiln.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.executor.PublishedImage;
import dev.kiln.executor.auth.DockerCredentials;
import dev.kiln.planner.ImageConfig;
import dev.kiln.testsupport.AuthRegistry;
import dev.kiln.planner.llb.Exec;
import dev.kiln.planner.llb.ImageRef;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.Platform;
import dev.kiln.planner.llb.Sources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Publishes to the local registry (127.0.0.1:5000), checks the reported digest is the manifest the
 * registry serves for the tag, then pulls the image back and runs it.
 */
@Tag("e2e")
class ImagePublisherE2ETest {
  @Test
  void publishedImageCanBePulledBackAndRun() throws Exception {
    String marker = UUID.randomUUID().toString();
    String ref = "127.0.0.1:5000/kiln-e2e/hello:" + marker.substring(0, 8);
    var state = Sources.image(ImageRef.parse("busybox:latest"), Platform.LINUX_AMD64)
        .run(Exec.of("sh", "-c", "echo " + marker + " > /marker")).root();
    var config = new ImageConfig(List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin", "GREETING=hi"), "/", "",
        List.of("sh", "-c"), List.of("cat /marker; echo $GREETING"), "");
    PublishedImage image;
    try (BuildkitConnection c = Engines.connect()) {
      image = new ImagePublisher(c, DockerCredentials.none())
          .publish(new Marshaller().marshal(state).toPb(), config, ref, null, r -> { });
    }
    assertThat(image.digest()).matches("sha256:[0-9a-f]{64}");
    assertThat(image.pinned()).isEqualTo(ref + "@" + image.digest());
    assertThat(AuthRegistry.manifestDigest("127.0.0.1:5000", "kiln-e2e/hello", marker.substring(0, 8), null, null))
        .isEqualTo(image.digest());
    // Remove the daemon's copy so that `run` must pull from the registry.
    docker("rmi", "-f", ref);
    String out = docker("run", "--rm", ref);
    assertThat(out).contains(marker).contains("hi");
    docker("rmi", "-f", ref);
  }

  private static String docker(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("docker"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    if (code != 0 && !args[0].equals("rmi")) {
      throw new AssertionError("docker " + String.join(" ", args) + " failed (" + code + "): " + out);
    }
    return out;
  }
}
