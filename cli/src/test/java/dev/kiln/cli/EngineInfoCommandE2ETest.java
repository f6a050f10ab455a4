package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code kiln engine info} against the Docker daemon's embedded BuildKit. */
@Tag("e2e")
class EngineInfoCommandE2ETest extends KilnInProcess {
  static final String DOCKER = "docker:///var/run/docker.sock";

  @BeforeAll
  static void engineIsThere() {
    DockerEngine.require();
  }

  @Test
  void textNamesTheEngineVersionWorkersAndCaps() {
    assertThat(kiln("engine", "info", "--engine", DOCKER)).as(err.toString()).isEqualTo(0);
    assertThat(out.toString())
        .contains("Engine:     Docker ")
        .contains("Address:    " + DOCKER)
        .containsPattern("BuildKit:   v0\\.\\d+")
        .contains("linux/amd64")
        .contains("source.image");
  }

  @Test
  void jsonSaysWhatWasProbedAndWhatWasDerived() throws Exception {
    assertThat(kiln("engine", "info", "--engine", DOCKER, "--format", "json")).as(err.toString()).isEqualTo(0);
    JsonNode info = new ObjectMapper().readTree(out.toString());
    assertThat(info.get("kind").asText()).isEqualTo("docker");
    assertThat(info.get("address").asText()).isEqualTo(DOCKER);
    assertThat(info.get("buildkitVersion").asText()).startsWith("v0.");
    assertThat(info.get("llbCaps").toString()).contains("\"exec.meta.base\"", "\"file.base\"");
    assertThat(info.get("workers").get(0).get("platforms").toString()).contains("linux/amd64");
    assertThat(info.get("exporters").toString()).contains("\"local\"");
    assertThat(info.get("sources").get("llbCaps").asText()).isEqualTo("probed");
    assertThat(info.get("sources").get("exporters").asText()).isEqualTo("derived");
  }
}
