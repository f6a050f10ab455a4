package dev.kiln.planner.llb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageRefTest {
  private static final String DIGEST =
      "sha256:" + "ab".repeat(32);

  @ParameterizedTest
  @CsvSource({
    "busybox, docker.io/library/busybox:latest",
    "busybox:1.36, docker.io/library/busybox:1.36",
    "eclipse-temurin:17-jre, docker.io/library/eclipse-temurin:17-jre",
    "team/app, docker.io/team/app:latest",
    "docker.io/busybox, docker.io/library/busybox:latest",
    "index.docker.io/library/busybox:1, docker.io/library/busybox:1",
    "127.0.0.1:5000/busybox, 127.0.0.1:5000/busybox:latest",
    "localhost/app:dev, localhost/app:dev",
    "registry.example.com/a/b/c:1.0, registry.example.com/a/b/c:1.0",
  })
  void normalisesLikeDocker(String input, String expected) {
    assertThat(ImageRef.parse(input).toString()).isEqualTo(expected);
  }

  @Test
  void keepsDigestsAndDropsTheDefaultTagWhenOnlyADigestIsGiven() {
    assertThat(ImageRef.parse("busybox@" + DIGEST).toString())
        .isEqualTo("docker.io/library/busybox@" + DIGEST);
    assertThat(ImageRef.parse("busybox:1.36@" + DIGEST).toString())
        .isEqualTo("docker.io/library/busybox:1.36@" + DIGEST);
  }

  @Test
  void pinsADigest() {
    assertThat(ImageRef.parse("busybox").withDigest(DIGEST).toString())
        .isEqualTo("docker.io/library/busybox:latest@" + DIGEST);
  }

  @Test
  void rejectsInvalidReferences() {
    assertThatThrownBy(() -> ImageRef.parse("Busybox")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ImageRef.parse("busybox@sha256:123"))
        .hasMessageContaining("invalid digest");
    assertThatThrownBy(() -> ImageRef.parse("busybox:bad tag"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
