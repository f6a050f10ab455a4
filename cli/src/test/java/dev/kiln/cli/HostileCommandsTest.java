package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile pipelines through {@code kiln validate} and {@code kiln plan}: exit 2 and one clear,
 * located message each, never a Java trace or Pkl's bug report.
 */
class HostileCommandsTest extends KilnInProcess {
  @TempDir Path dir;

  private Path pipeline(String body) throws Exception {
    return Files.writeString(dir.resolve("pipeline.pkl"), "amends \".kiln/schema/Pipeline.pkl\"\n" + body);
  }

  private void assertRefused(String... args) {
    assertThat(kiln(args)).as(err.toString()).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("pipeline.pkl").contains("error: ")
        .doesNotContain("\tat ").doesNotContain("Exception in thread").doesNotContain("bug report");
  }

  @Test
  void aFifoReadIsRefused() throws Exception {
    Process p = new ProcessBuilder("mkfifo", dir.resolve("pipe").toString()).inheritIO().start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).isTrue();
    Path file = pipeline("tasks { [\"a\"] { description = read(\"pipe\").text } }\n");
    assertRefused("validate", file.toString());
    assertThat(err.toString()).contains("pipeline.pkl:2:").contains("is a named pipe (FIFO), not a regular file");
  }

  @Test
  void aStringPastTheJvmLimitIsRefused() throws Exception {
    Path file = pipeline("tasks { [\"a\"] { description = \"xy\".repeat(1073741823) } }\n");
    assertRefused("plan", "-f", file.toString());
    assertThat(err.toString()).contains("error: the pipeline needs more memory than evaluation may use");
  }

  @Test
  void aContainerNestedAThousandDeepIsRefusedOrValid() throws Exception {
    Path file = pipeline("local d = " + "List(".repeat(1000) + "1" + ")".repeat(1000)
        + "\ntasks { [\"a\"] { description = d.toString().take(10) } }\n");
    int code = kiln("validate", file.toString());
    assertThat(code).as(err.toString()).isIn(ExitCodes.OK, ExitCodes.INVALID);
    assertThat(err.toString()).doesNotContain("\tat ").doesNotContain("Exception in thread");
    String deeper = "new Listing { ".repeat(5000) + "1" + " }".repeat(5000);
    Path worse = pipeline("local d = " + deeper + "\ntasks { [\"a\"] { description = d.toString() } }\n");
    assertRefused("validate", worse.toString());
  }

  @Test
  void aByteOrderMarkIsAccepted() throws Exception {
    Path file = dir.resolve("pipeline.pkl");
    Files.write(file, "\uFEFFamends \".kiln/schema/Pipeline.pkl\"\ntasks { [\"a\"] {} }\n".getBytes(StandardCharsets.UTF_8));
    assertThat(kiln("validate", file.toString())).as(err.toString()).isZero();
    assertThat(out.toString()).isEqualTo(file + ": ok (1 task)\n");
  }

  @Test
  void structuredParametersAndInjectionAttempts() throws Exception {
    Path file = pipeline("""
        local class P extends Params { names: List<String> = List(); s: String = "" }
        params = new P {}
        tasks { ["a"] { description = params.names.join("+") + "|" + params.s } }
        """);
    Path json = Files.writeString(dir.resolve("p.json"), "{\"names\": [\"a\", \"b\"], \"s\": \"\\\"\\\"\\\" \\\\(1)\"}");
    assertThat(kiln("list", "-f", file.toString(), "--params-file", json.toString())).as(err.toString()).isZero();
    assertThat(out.toString()).contains("a+b|\"\"\" \\(1)");
    Path yaml = Files.writeString(dir.resolve("p.yaml"), "names: [&n x, *n]\ns: \"}\\ntasks {}\"\n");
    assertThat(kiln("list", "-f", file.toString(), "--params-file", yaml.toString())).as(err.toString()).isZero();
    assertThat(out.toString()).contains("x+x|}");
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "names: &n [*n]\n");
    assertThat(kiln("validate", file.toString(), "--params-file", bad.toString())).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("bad.yaml: error: cannot read parameters: a value contains itself");
  }
}
