package dev.kiln.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GlobTest {
  @Test
  void aStarStaysWithinOneSegment() {
    Glob g = new Glob("release/*");
    assertThat(g.matches("release/1.2")).isTrue();
    assertThat(g.matches("release/")).isTrue();
    assertThat(g.matches("release/1.2/hotfix")).isFalse();
    assertThat(g.matches("release")).isFalse();
    assertThat(new Glob("*").matches("feature/x")).isFalse();
  }

  @Test
  void twoStarsCrossSegmentsAndMayMatchNone() {
    assertThat(new Glob("src/**").matches("src/a/b/C.java")).isTrue();
    assertThat(new Glob("**/*.java").matches("C.java")).isTrue();
    assertThat(new Glob("**/*.java").matches("a/b/C.java")).isTrue();
    assertThat(new Glob("**/*.java").matches("a/b/C.javax")).isFalse();
    assertThat(new Glob("docs/**/index.md").matches("docs/index.md")).isTrue();
    assertThat(new Glob("**").matches("feature/x")).isTrue();
  }

  @Test
  void everythingElseIsLiteral() {
    assertThat(new Glob("v1.?").matches("v1.2")).isTrue();
    assertThat(new Glob("v1.?").matches("v1/2")).isFalse();
    assertThat(new Glob("a.b").matches("axb")).isFalse(); // '.' is not a regex wildcard
    assertThat(new Glob("[main]").matches("[main]")).isTrue();
    assertThat(new Glob("[main]").matches("m")).isFalse();
    assertThatThrownBy(() -> new Glob("")).isInstanceOf(IllegalArgumentException.class);
  }
}
