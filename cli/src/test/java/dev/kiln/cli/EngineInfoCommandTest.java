package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EngineInfoCommandTest extends KilnInProcess {
  @Test
  void anUnreachableEngineExitsWithThreeListsTheAddressAndHowToStartOne() {
    int code = kiln("engine", "info", "--engine", "unix:///nonexistent/kiln-test.sock");
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
    int code = kiln("engine", "info", "--engine", "buildkitd:1234");
    assertThat(code).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("unsupported engine address 'buildkitd:1234'");
  }
}
