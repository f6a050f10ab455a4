package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class EngineInfoCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Kiln.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  @Test
  void anUnreachableEngineExitsWithThreeListsTheAddressAndHowToStartOne() {
    int code = run("engine", "info", "--engine", "unix:///nonexistent/kiln-test.sock");
    assertThat(code).isEqualTo(ExitCodes.ENGINE_UNREACHABLE);
    assertThat(err.toString())
        .startsWith("kiln: error: no BuildKit engine answered\n")
        .contains("tried unix:///nonexistent/kiln-test.sock (--engine): no socket there")
        .contains("hint: start one with `sudo scripts/engine-up.sh`")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aMalformedAddressIsAUsageError() {
    int code = run("engine", "info", "--engine", "buildkitd:1234");
    assertThat(code).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("unsupported engine address 'buildkitd:1234'");
  }
}
