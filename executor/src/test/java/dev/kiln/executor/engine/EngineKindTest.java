package dev.kiln.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EngineKindTest {
  private static EngineInfo info(EngineKind kind, String docker, String buildkit) {
    return new EngineInfo(kind, "x", docker, buildkit, List.of(), Set.of("exec.meta.base"), Map.of(), List.of(),
        List.of(), List.of(), Map.of());
  }

  @Test
  void theAddressSaysTheKind() {
    assertThat(EngineKind.of(EngineAddress.parse("docker://"))).isEqualTo(EngineKind.DOCKER);
    assertThat(EngineKind.of(EngineAddress.parse("unix:///run/buildkit/buildkitd.sock"))).isEqualTo(EngineKind.BUILDKITD);
    assertThat(EngineKind.of(EngineAddress.parse("tcp://10.0.0.1:1234"))).isEqualTo(EngineKind.BUILDKITD);
  }

  @Test
  void describesDockerWithItsBuildkitAndBuildkitdByItsVersion() {
    assertThat(info(EngineKind.DOCKER, "20.10.24", "v0.8.2").describe()).isEqualTo("Docker 20.10.24 (BuildKit v0.8.2)");
    assertThat(info(EngineKind.BUILDKITD, null, "v0.12.5").describe()).isEqualTo("buildkitd v0.12.5");
  }

  @Test
  void capabilitiesNameTheEngineAndItsVersionForThePlanner() {
    var docker = info(EngineKind.DOCKER, "20.10.24", "v0.8.2").capabilities();
    assertThat(docker.describe()).isEqualTo("Docker 20.10.24 (BuildKit v0.8.2)");
    assertThat(docker.supports("exec.meta.base")).isTrue();
    assertThat(info(EngineKind.BUILDKITD, null, "v0.12.5").capabilities().version()).isEqualTo("v0.12.5");
  }

  @Test
  void jsonNamesTheKindAsBefore() throws Exception {
    JsonNode json = new ObjectMapper().valueToTree(info(EngineKind.BUILDKITD, null, "v0.12.5"));
    assertThat(json.get("kind").asText()).isEqualTo("buildkitd");
    assertThat(json.has("engine")).isFalse();
    assertThat(json.fieldNames().next()).isEqualTo("kind");
  }
}
