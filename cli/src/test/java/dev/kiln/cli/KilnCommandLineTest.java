package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KilnCommandLineTest {
  /** Exit code and both streams of one execution. */
  private record Outcome(int exit, String out, String err) {}

  private static Outcome execute(boolean onlyTheNamedSubcommand, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cmd = onlyTheNamedSubcommand
        ? Kiln.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), args)
        : Kiln.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
    int exit = cmd.execute(args);
    return new Outcome(exit, out.toString(), err.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"run", "plan", "validate", "list", "init", "schema", "engine"})
  void aCommandLineWithOnlyTheNamedSubcommandHelpsAsTheFullOne(String name) {
    Outcome lazy = execute(true, name, "--help");
    assertThat(lazy.exit()).isZero();
    assertThat(lazy.out()).startsWith("Usage: kiln " + name);
    assertThat(lazy).isEqualTo(execute(false, name, "--help"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"run --no-such-option", "plan --format nope", "engine prune --keep-duration x"})
  void usageErrorsReadTheSameWithOnlyTheNamedSubcommand(String line) {
    String[] args = line.split(" ");
    Outcome lazy = execute(true, args);
    assertThat(lazy.exit()).isEqualTo(ExitCodes.INVALID);
    assertThat(lazy).isEqualTo(execute(false, args));
  }

  @ParameterizedTest
  @ValueSource(strings = {"rnu", "--help", "help run"})
  void anythingElseGetsEverySubcommand(String line) {
    String[] args = line.split(" ");
    assertThat(execute(true, args)).isEqualTo(execute(false, args));
    assertThat(Kiln.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), args)
        .getSubcommands()).containsKeys("run", "plan", "engine", "help");
  }
}
