package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.PositionalParamSpec;

/** Every command's {@code --help}, as printed at the default width (80) and at the widest (100). */
class HelpTextTest {
  /** Every visible command, as the words that name it: "", "run", "engine prune", "help", ... */
  static Stream<String> commands() {
    List<String> names = new ArrayList<>();
    collect(full(), "", names);
    return names.stream();
  }

  private static void collect(CommandLine cmd, String path, List<String> names) {
    names.add(path);
    cmd.getSubcommands().forEach((name, sub) -> {
      if (!sub.getCommandSpec().usageMessage().hidden()) {
        collect(sub, (path + " " + name).strip(), names);
      }
    });
  }

  private static CommandLine full() {
    return Kiln.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
  }

  /** What {@code kiln COMMAND --help} prints with the usage help {@code width} columns wide. */
  private static String help(String command, int width) {
    StringWriter out = new StringWriter();
    CommandLine cmd = Kiln.commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter()));
    cmd.setUsageHelpAutoWidth(false);
    cmd.setUsageHelpWidth(width);
    List<String> args = new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
    args.add("--help");
    assertThat(cmd.execute(args.toArray(String[]::new))).isZero();
    return out.toString();
  }

  /** The "Usage: kiln ..." line and its continuations. */
  private static String synopsis(String help) {
    List<String> lines = help.lines().toList();
    int first = 0;
    while (!lines.get(first).startsWith("Usage: ")) {
      first++; // `kiln help` has a header first
    }
    StringBuilder synopsis = new StringBuilder(lines.get(first));
    for (int i = first + 1; i < lines.size() && lines.get(i).startsWith(" "); i++) {
      synopsis.append('\n').append(lines.get(i));
    }
    return synopsis.toString();
  }

  private static Set<String> words(String text) {
    return Arrays.stream(text.split("\\s+")).filter(w -> !w.isEmpty()).collect(Collectors.toSet());
  }

  @Test
  void everyCommandIsChecked() {
    assertThat(commands()).contains("", "run", "plan", "validate", "list", "init", "schema", "engine", "engine info",
        "engine du", "engine prune", "trust", "help").doesNotContain("__train");
  }

  @ParameterizedTest
  @MethodSource("commands")
  void endsWithTwoOrThreeExamples(String command) {
    for (int width : new int[] {80, KilnHelp.MAX_WIDTH}) {
      String help = help(command, width);
      assertThat(help).as(command).contains("\nExamples:\n");
      String examples = help.substring(help.lastIndexOf("\nExamples:\n") + "\nExamples:\n".length());
      List<String> lines = examples.lines().filter(l -> !l.isBlank()).toList();
      assertThat(lines).as(command + " examples").allMatch(l -> l.startsWith("  # ") || l.startsWith("  kiln "));
      assertThat(lines.stream().filter(l -> l.startsWith("  kiln ")).count()).as(command).isBetween(2L, 3L);
      assertThat(lines.get(lines.size() - 1)).as(command + ": the last line is an example").startsWith("  kiln ");
    }
  }

  @ParameterizedTest
  @MethodSource("commands")
  void placeholdersAreWordsInCapitals(String command) {
    String help = help(command, 80);
    assertThat(help).as(command).doesNotContainPattern("<[a-z][^>]*>");
    CommandLine cmd = full();
    for (String name : command.isEmpty() ? new String[0] : command.split(" ")) {
      cmd = cmd.getSubcommands().get(name);
    }
    for (var option : cmd.getCommandSpec().options()) {
      if (option.typeInfo().isBoolean() || option.hidden()) {
        continue;
      }
      assertThat(option.paramLabel()).as(command + " " + option.longestName()).matches("[A-Z][A-Z_=]*");
    }
    for (PositionalParamSpec p : cmd.getCommandSpec().positionalParameters()) {
      assertThat(p.paramLabel()).as(command + " " + p.paramLabel()).matches("[A-Z][A-Z_]*");
      if (p.arity().min() == 0) {
        assertThat(synopsis(help)).as("%s: the optional %s in brackets", command, p.paramLabel())
            .contains(" [" + p.paramLabel());
      }
    }
  }

  /**
   * Lines break only between words: rendered so wide that nothing wraps, the help has words that
   * must each appear whole at the usual widths (a word split across lines would be two others).
   */
  @ParameterizedTest
  @MethodSource("commands")
  void noWordIsBrokenAcrossLines(String command) {
    Set<String> unwrapped = words(help(command, 1000));
    for (int width : new int[] {80, KilnHelp.MAX_WIDTH}) {
      String help = help(command, width);
      assertThat(help.lines()).as(command).allMatch(l -> l.length() <= width);
      assertThat(words(help)).as("%s at %d columns", command, width).containsAll(unwrapped);
    }
  }
}
