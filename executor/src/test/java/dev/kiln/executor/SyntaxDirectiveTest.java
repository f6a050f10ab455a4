package dev.kiln.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SyntaxDirectiveTest {
  private static Optional<String> image(String dockerfile) throws IOException {
    return SyntaxDirective.parse(new BufferedReader(new StringReader(dockerfile))).map(SyntaxDirective::image);
  }

  @Test
  void theDirectiveIsReadFromTheLinesBeforeAnythingElse() throws IOException {
    assertThat(image("# syntax=docker/dockerfile:1.4\nFROM busybox\n")).contains("docker/dockerfile:1.4");
    assertThat(image("#syntax = docker/dockerfile:1\nFROM busybox\n")).contains("docker/dockerfile:1");
    assertThat(image("# SYNTAX=docker/dockerfile:1\n")).contains("docker/dockerfile:1");
    assertThat(image("# escape=`\n# syntax=example.com/fe:2\nFROM busybox\n")).contains("example.com/fe:2");
    assertThat(image("\uFEFF# syntax=docker/dockerfile:1\n")).contains("docker/dockerfile:1");
  }

  @Test
  void anythingElseFirstEndsTheDirectives() throws IOException {
    assertThat(image("FROM busybox\n# syntax=docker/dockerfile:1\n")).isEmpty();
    assertThat(image("\n# syntax=docker/dockerfile:1\n")).isEmpty();
    assertThat(image("# a comment\n# syntax=docker/dockerfile:1\n")).isEmpty();
    assertThat(image("# unknown=1\n# syntax=docker/dockerfile:1\n")).isEmpty();
    assertThat(image("# syntax=\nFROM busybox\n")).isEmpty();
    assertThat(image("")).isEmpty();
  }

  @Test
  void anErrorNamesTheImageByItsRepositoryPathWhateverItsSpelling() {
    var hub = new SyntaxDirective("docker/dockerfile:1.4");
    assertThat(hub.namedIn("Head \"https://registry-1.docker.io/v2/docker/dockerfile/manifests/1.4\"")).isTrue();
    assertThat(hub.namedIn("docker.io/docker/dockerfile:1.4: not found")).isTrue();
    assertThat(hub.namedIn("docker.io/library/busybox:latest: not found")).isFalse();
    var mirror = new SyntaxDirective("127.0.0.1:9/kiln-test/no-such-frontend:1@sha256:" + "a".repeat(64));
    assertThat(mirror.namedIn("dial tcp 127.0.0.1:9: connect: connection refused")).isFalse();
    assertThat(mirror.namedIn("Head \"https://127.0.0.1:9/v2/kiln-test/no-such-frontend/manifests/1\": refused"))
        .isTrue();
    assertThat(new SyntaxDirective("frontend").namedIn("pull access denied for docker.io/library/frontend"))
        .isTrue();
    // not a reference at all: nothing to look for, the error's text decides
    assertThat(new SyntaxDirective("Not A Reference!").namedIn("anything")).isTrue();
  }
}
