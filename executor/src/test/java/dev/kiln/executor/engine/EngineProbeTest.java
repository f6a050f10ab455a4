package dev.kiln.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EngineProbeTest {
  @Test
  void mapsDockerVersionsToTheBuildkitTheyEmbed() {
    assertThat(EngineProbe.buildkitForDocker("20.10.2")).isEqualTo("v0.8.1");
    assertThat(EngineProbe.buildkitForDocker("20.10.24+dfsg1")).isEqualTo("v0.8.2");
    assertThat(EngineProbe.buildkitForDocker("23.0.6")).isEqualTo("v0.10.6");
    assertThat(EngineProbe.buildkitForDocker("26.0.2")).isEqualTo("v0.13.1");
    assertThat(EngineProbe.buildkitForDocker("26.1.4")).isEqualTo("v0.13.2");
    assertThat(EngineProbe.buildkitForDocker("17.06.0-ce")).isNull();
    assertThat(EngineProbe.buildkitForDocker(null)).isNull();
  }
}
