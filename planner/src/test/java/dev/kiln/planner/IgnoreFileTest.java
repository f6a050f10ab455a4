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

  @Test
  void gitignoreNamesMatchAtAnyDepthAndAnchoredOnesOnlyWhereTheyReach() {
    String text = "# comment\n*.log\nbuild/\n/dist\n!keep.log\nsrc/gen/\ndocs/*.tmp\n\\#hash\n\n**/cache\n";
    assertThat(IgnoreFile.gitignore(text, "").patterns()).containsExactly(
        "**/*.log", "**/build", "dist", "!**/keep.log", "src/gen", "docs/*.tmp", "**/#hash", "**/cache");
    // The root .gitignore seen from host.directory("src"): /dist and docs/ do not reach into it.
    assertThat(IgnoreFile.gitignore(text, "src").patterns()).containsExactly(
        "**/*.log", "**/build", "!**/keep.log", "gen", "**/#hash", "**/cache");
    // A pattern naming the host directory itself, or one above it, is the pipeline's choice to override.
    assertThat(IgnoreFile.gitignore("/out\nout/sub\n", "out").patterns()).containsExactly("sub");
    assertThat(IgnoreFile.gitignore("a*/x\n[ab]/y\n[!a]/z\n", "ab").patterns()).containsExactly("x");
    assertThat(IgnoreFile.gitignore("a*/x\n[ab]/y\n[!a]/z\n", "b").patterns()).containsExactly("y", "z");
  }
}
