package dev.kiln.planner.llb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LlbStateTest {
  private final LlbState s = Sources.scratch().withCwd("/work");

  @Test
  void resolvesPathsAgainstTheWorkingDirectory() {
    assertThat(s.resolve("src")).isEqualTo("/work/src");
    assertThat(s.resolve("./a/../b/")).isEqualTo("/work/b/");
    assertThat(s.resolve("/etc//passwd")).isEqualTo("/etc/passwd");
    assertThat(s.resolve("../../..")).isEqualTo("/");
    assertThat(s.withCwd("sub").cwd()).isEqualTo("/work/sub");
  }

  @Test
  void everyWithReturnsANewStateAndEnvIsSorted() {
    LlbState e = s.withEnv("B", "1").withEnv("A", "2").withEnv("B", "3");
    assertThat(e.env()).containsExactly(Map.entry("A", "2"), Map.entry("B", "3"));
    assertThat(s.env()).isEmpty();
    assertThat(e.withoutEnv("A").env()).containsOnlyKeys("B");
    assertThatThrownBy(() -> s.withEnv("", "x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void mergeSkipsScratchAndCollapsesSingleLayers() {
    LlbState a = Sources.local("a", LocalOptions.NONE, "");
    assertThat(Sources.scratch().merge(List.of(a, Sources.scratch()), "").output()).isEqualTo(a.output());
    assertThat(Sources.scratch().merge(List.of(), "").isScratch()).isTrue();
  }

  @Test
  void scratchCannotBeMarshalledAndBadDefinitionsAreRejected() {
    assertThatThrownBy(() -> new Marshaller().marshal(Sources.scratch()))
        .hasMessageContaining("scratch has nothing to solve");
    assertThatThrownBy(() -> Definition.fromPb(dev.kiln.planner.llb.pb.Definition.getDefaultInstance()))
        .hasMessage("invalid LLB with 0 vertexes");
  }
}
