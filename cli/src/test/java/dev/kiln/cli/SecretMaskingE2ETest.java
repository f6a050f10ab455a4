package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.model.SourceLocation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets on the real engine: a PEM private key and a value with quotes, a backslash, a control
 * character, a line break and non-ASCII text, printed by {@code cat} (and {@code base64}) in every
 * output mode, in a failing task's last lines, in a JUnit report and in a result: none shows, and
 * nothing Kiln keeps in the project holds them.
 */
@Tag("e2e")
class SecretMaskingE2ETest extends KilnInProcess {
  static final String TRICKY = "pa\"ss\\w\u0001rd\nsecond-line-\u00e9\u4e2d";

  @TempDir Path project;
  private String pem;
  private Path pipeline;

  @BeforeAll
  static void engineIsThere() {
    DockerEngine.require();
  }

  @BeforeEach
  void projectWithAKey() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(rsa.generateKeyPair().getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    Files.writeString(project.resolve("key.pem"), pem);
    Files.writeString(project.resolve("tricky.txt"), TRICKY);
    // Secret values are not part of cache keys: a fresh nonce makes each step run (and print) again.
    pipeline = Files.writeString(project.resolve("pipeline.pkl"), """
        amends ".kiln/schema/Pipeline.pkl"
        local base = container.from("busybox:latest")
          .withMountedSecret("/run/secrets/key", fileSecret("key", "key.pem"))
          .withMountedSecret("/run/secrets/tricky", fileSecret("tricky", "tricky.txt"))
        tasks {
          ["show"] {
            run = base.withExec(List("sh", "-c",
              "echo %1$s; cat /run/secrets/key; cat /run/secrets/tricky; echo; base64 /run/secrets/key"))
          }
          ["fail"] { run = base.withExec(List("sh", "-c", "echo %1$s; cat /run/secrets/key; exit 3")) }
          ["result"] {
            run = base.withExec(List("sh", "-c",
              "echo %1$s; mkdir -p /kiln/results; cat /run/secrets/key > /kiln/results/value"))
            results { "value" }
          }
        }
        """.formatted(UUID.randomUUID()));
  }

  /** The texts that must never show: each line of both values, and each line of the key's base64. */
  private List<String> secretTexts() {
    List<String> texts = new ArrayList<>();
    for (String line : (pem + "\n" + TRICKY).split("\n")) {
      if (line.strip().length() >= 4) {
        texts.add(line.strip());
      }
    }
    String b64 = Base64.getMimeEncoder(76, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(pem.getBytes(StandardCharsets.UTF_8));
    for (String line : b64.split("\n")) {
      if (line.length() >= 8) {
        texts.add(line);
      }
    }
    return texts;
  }

  private void assertShowsNoSecret(String shown) {
    for (String s : secretTexts()) {
      assertThat(shown).as("shows %s", s).doesNotContain(s);
    }
  }

  @Test
  void aKeyPrintedWithCatIsMaskedLineByLineInPlainOutput() {
    assertThat(kiln("run", "-f", pipeline.toString(), "show", "--progress", "plain")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("[show] #").contains(" ***\n");
    assertShowsNoSecret(out.toString());
    assertShowsNoSecret(err.toString());
  }

  @Test
  void theLiveViewAndTheSummaryShowNoSecret() {
    assertThat(kiln("run", "-f", pipeline.toString(), "show", "result", "--progress", "tty")).as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("result: value = ***");
    assertShowsNoSecret(out.toString());
    assertShowsNoSecret(err.toString());
  }

  @Test
  void jsonProgressMasksBeforeEscaping() throws Exception {
    assertThat(kiln("run", "-f", pipeline.toString(), "show", "--progress", "json")).as(err.toString()).isZero();
    ObjectMapper json = new ObjectMapper();
    StringBuilder texts = new StringBuilder();
    for (String line : out.toString().split("\n")) {
      JsonNode e = json.readTree(line);
      if (e.has("text")) {
        texts.append(e.get("text").asText());
      }
    }
    assertThat(texts.toString()).contains("***");
    assertShowsNoSecret(texts.toString());
    assertShowsNoSecret(out.toString());
    for (String s : secretTexts()) {
      String escaped = json.writeValueAsString(s);
      assertThat(out.toString()).as("shows %s", escaped).doesNotContain(escaped.substring(1, escaped.length() - 1));
    }
  }

  @Test
  void aFailingTasksLastLinesAndJUnitReportShowNoSecret() throws Exception {
    Path junit = project.resolve("build/report.xml");
    assertThat(kiln("run", "-f", pipeline.toString(), "fail", "--progress", "plain", "--junit", junit.toString()))
        .isEqualTo(ExitCodes.TASK_FAILED);
    assertThat(err.toString()).contains("task fail failed").contains("lines of its output:").contains("    ***\n");
    assertShowsNoSecret(err.toString());
    assertShowsNoSecret(out.toString());
    assertThat(Files.readString(junit)).contains("<failure");
    assertShowsNoSecret(Files.readString(junit));
  }

  @Test
  void aResultHoldingASecretIsKeptMaskedAndNothingKeptHoldsIt() throws Exception {
    assertThat(kiln("run", "-f", pipeline.toString(), "result", "--progress", "plain")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("[result] warning: result `value` contains a secret's value")
        .contains("[result] result value = ***");
    assertThat(project.resolve(".kiln/results/result/value")).hasContent("***");
    assertShowsNoSecret(out.toString());
    try (Stream<Path> kept = Files.walk(project.resolve(".kiln"))) {
      for (Path f : kept.filter(Files::isRegularFile).toList()) {
        String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        for (String s : secretTexts()) {
          assertThat(content).as("%s holds %s", f, s).doesNotContain(s);
        }
      }
    }
  }

  @Test
  void aSecretTooShortToMaskIsSaidBeforeTheRun() throws Exception {
    Files.writeString(project.resolve("tricky.txt"), "ab\n");
    assertThat(kiln("run", "-f", pipeline.toString(), "result", "--progress", "plain")).as(err.toString()).isZero();
    assertThat(err.toString()).contains("warning: secret `tricky` is shorter than 4 characters, too short to be"
        + " masked in output").doesNotContain("ab\n");
  }

  @Test
  void twoSourcesUnderOneNameAreAnInvalidPipeline() throws Exception {
    Files.writeString(pipeline, """
        amends ".kiln/schema/Pipeline.pkl"
        local base = container.from("busybox:latest")
        local a = fileSecret("key", "key.pem")
        local b = fileSecret("key", "other.pem")
        tasks {
          ["one"] { run = base.withMountedSecret("/a", a).withExec(List("true")) }
          ["two"] { run = base.withMountedSecret("/b", b).withExec(List("true")) }
        }
        """);
    String display = SourceLocation.of(pipeline).file().toString();
    for (String command : List.of("validate", "run")) {
      assertThat(kiln(command, "-f", pipeline.toString())).as(command).isEqualTo(ExitCodes.INVALID);
      assertThat(err.toString()).startsWith(display + ":4:11: error: secret `key` is declared with two sources:"
          + " file `key.pem` at " + display + ":3:11, and file `other.pem` at " + display + ":4:11");
    }
  }
}
