package dev.kiln.executor.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.model.SecretSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretStoreTest {
  @TempDir Path project;

  private static String text(byte[] value) {
    return new String(value, StandardCharsets.UTF_8);
  }

  @Test
  void eachSourceIsReadFromWhereItSays() throws IOException {
    Files.writeString(project.resolve("token.txt"), "from-file");
    SecretStore store = new SecretStore(Map.of(
        "env", new SecretSource.Environment("TOKEN"),
        "file", new SecretSource.HostFile(Path.of("token.txt")),
        "cmd", new SecretSource.Command("printf from-$(basename \"$PWD\")")), Map.of("TOKEN", "from-env"), project);
    assertThat(store.get("env")).hasValueSatisfying(v -> assertThat(text(v)).isEqualTo("from-env"));
    assertThat(store.get("file")).hasValueSatisfying(v -> assertThat(text(v)).isEqualTo("from-file"));
    assertThat(store.get("cmd")).hasValueSatisfying(v -> assertThat(text(v))
        .as("the command runs in the project").isEqualTo("from-" + project.getFileName()));
    assertThat(store.get("undeclared")).isEmpty();
    assertThat(store.values()).hasSize(3);
  }

  @Test
  void aSourceThatCannotBeReadNamesTheSecretButNoValue() {
    assertThatThrownBy(() -> new SecretStore(Map.of("t", new SecretSource.Environment("UNSET")), Map.of(), project)
        .resolveAll()).hasMessage("secret 't': environment variable UNSET is not set");
    assertThatThrownBy(() -> new SecretStore(Map.of("t", new SecretSource.HostFile(Path.of("none"))), Map.of(),
        project).get("t")).hasMessage("secret 't': no file " + project.resolve("none"));
    assertThatThrownBy(() -> new SecretStore(Map.of("t", new SecretSource.Command("echo partial; exit 3")), Map.of(),
        project).get("t")).hasMessage("secret 't': command exited with 3");
  }
}
