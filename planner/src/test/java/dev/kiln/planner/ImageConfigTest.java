package dev.kiln.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ImageConfigTest {
  @Test
  void readsTheOciConfigTheEngineResolves() {
    String json = """
        {"architecture":"amd64","os":"linux","config":{
          "Env":["PATH=/usr/bin:/bin","JAVA_HOME=/opt/java"],"WorkingDir":"/app","User":"1000",
          "Entrypoint":["java","-jar"],"Cmd":["app.jar"],"Labels":{"a":"b"}},
         "rootfs":{"type":"layers","diff_ids":[]}}""";
    ImageConfig c = ImageConfig.fromOciJson(json.getBytes(StandardCharsets.UTF_8), "sha256:" + "1".repeat(64));
    assertThat(c.env()).containsExactly("PATH=/usr/bin:/bin", "JAVA_HOME=/opt/java");
    assertThat(c.workingDir()).isEqualTo("/app");
    assertThat(c.user()).isEqualTo("1000");
    assertThat(c.entrypoint()).containsExactly("java", "-jar");
    assertThat(c.cmd()).containsExactly("app.jar");
    assertThat(c.digest()).endsWith("1111");
  }

  @Test
  void missingFieldsAreEmptyAndGarbageIsRejected() {
    ImageConfig c = ImageConfig.fromOciJson("{\"config\":{}}".getBytes(StandardCharsets.UTF_8), "");
    assertThat(c).isEqualTo(ImageConfig.EMPTY);
    assertThatThrownBy(() -> ImageConfig.fromOciJson("[1]".getBytes(StandardCharsets.UTF_8), ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ImageConfig.fromOciJson("{".getBytes(StandardCharsets.UTF_8), ""))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
