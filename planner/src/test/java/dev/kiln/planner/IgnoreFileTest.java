package dev.kiln.planner;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IgnoreFileTest {
  @Test
  void parsesLikeDocker() {
    var file = IgnoreFile.parse("# build output\n/target/\n\n  *.log  \n!keep.log\n./a/../b\n#x\n");
    assertThat(file.patterns()).containsExactly("target", "*.log", "!keep.log", "b");
  }

  @Test
  void kilnignoreComesAfterDockerignoreSoItCanReinclude() {
    var docker = IgnoreFile.parse("docs/\n");
    var kiln = IgnoreFile.parse("!docs/api.md\n");
    assertThat(docker.then(kiln).patterns()).containsExactly("docs", "!docs/api.md");
  }
}
