package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A Java Error in a command is exit 70 and one line, never the JVM's "Exception in thread". */
class InternalErrorsTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int plan(Error error, String... extra) {
    CommandLine cmd = Kiln.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
    PlanCommand plan = cmd.getSubcommands().get("plan").getCommand();
    plan.loader = file -> {
      throw error;
    };
    String[] args = new String[extra.length + 1];
    args[0] = "plan";
    System.arraycopy(extra, 0, args, 1, extra.length);
    return cmd.execute(args);
  }

  @Test
  void aStackOverflowIsExitSeventyInOneLine() {
    assertThat(plan(new StackOverflowError())).isEqualTo(ExitCodes.KILN_BUG);
    assertThat(err.toString()).isEqualTo("kiln: internal error: ran out of stack (StackOverflowError); this is a bug"
        + " in Kiln, please report it with the output of --stacktrace\n");
  }

  @Test
  void runningOutOfMemoryIsExitSeventyInOneLine() {
    assertThat(plan(new OutOfMemoryError("Java heap space"))).isEqualTo(ExitCodes.KILN_BUG);
    assertThat(err.toString()).startsWith("kiln: internal error: ran out of memory (Java heap space)")
        .hasLineCount(1);
  }

  @Test
  void anyOtherErrorToo() {
    assertThat(plan(new AssertionError("unreachable\nsecond line"))).isEqualTo(ExitCodes.KILN_BUG);
    assertThat(err.toString()).startsWith("kiln: internal error: java.lang.AssertionError: unreachable;")
        .hasLineCount(1);
  }

  @Test
  void theTraceIsThereWithStacktrace() {
    assertThat(plan(new StackOverflowError(), "--stacktrace")).isEqualTo(ExitCodes.KILN_BUG);
    assertThat(err.toString()).contains("java.lang.StackOverflowError\n\tat ");
  }
}
