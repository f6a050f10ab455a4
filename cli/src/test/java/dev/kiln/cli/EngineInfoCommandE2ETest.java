package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code kiln engine info} against the Docker daemon's embedded BuildKit. */
@Tag("e2e")
class EngineInfoCommandE2ETest {
  static final String DOCKER = "docker:///var/run/docker.sock";

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void engineIsThere() {
    DockerEngine.require();
  }

  private int run(String... args) {
    return Kiln.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  @Test
  void textNamesTheEngineVersionWorkersAndCaps() {
    assertThat(run("engine", "info", "--engine", DOCKER)).as(err.toString()).isEqualTo(0);
    assertThat(out.toString())
        .contains("Engine:     Docker ")
        .contains("Address:    " + DOCKER)
        .containsPattern("BuildKit:   v0\\.\\d+")
        .contains("linux/amd64")
        .contains("source.image");
  }

  @Test
  void jsonSaysWhatWasProbedAndWhatWasDerived() throws Exception {
    assertThat(run("engine", "info", "--engine", DOCKER, "--format", "json")).as(err.toString()).isEqualTo(0);
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
