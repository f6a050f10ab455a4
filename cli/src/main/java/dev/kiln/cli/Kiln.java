package dev.kiln.cli;

import dev.kiln.evaluator.KilnException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The root {@code kiln} command; {@link #commandLine} wires error handling in one place. */
@Command(
    name = "kiln",
    mixinStandardHelpOptions = true,
    versionProvider = KilnVersion.class,
    description = "Pipeline-as-code CI/CD on BuildKit: typed Pkl pipelines, run the same everywhere.",
    subcommands = {
      RunCommand.class,
      EngineCommand.class,
      PlanCommand.class,
      ValidateCommand.class,
      ListCommand.class,
      InitCommand.class,
      SchemaCommand.class,
      TrainCommand.class,
      CommandLine.HelpCommand.class,
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:ok",
      "1:a task failed",
      "2:invalid pipeline or usage",
      "3:engine unreachable",
      "70:a bug in Kiln",
      "130:interrupted"
    })
public final class Kiln implements Runnable {
  @Option(
      names = "--stacktrace",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Print the stack trace of errors (for bug reports).")
  boolean stacktrace;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The configured command line, writing to the process's stdout and stderr. */
  public static CommandLine commandLine() {
    // UTF-8 whatever the locale: Pkl sources, task descriptions and logs are UTF-8, and Java 17
    // would otherwise print '?' for every non-ASCII character under a POSIX locale (as in CI images).
    return commandLine(
        new PrintWriter(new java.io.OutputStreamWriter(System.out, java.nio.charset.StandardCharsets.UTF_8), true),
        new PrintWriter(new java.io.OutputStreamWriter(System.err, java.nio.charset.StandardCharsets.UTF_8), true));
  }

  /** The configured command line, writing to the given streams (tests use this). */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cmd = new CommandLine(new Kiln());
    addHelpOptions(cmd);
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          boolean trace = commandLine.getCommandSpec().root().userObject() instanceof Kiln k && k.stacktrace;
          PrintWriter e = commandLine.getErr();
          if (ex instanceof KilnException ke) {
            e.print(ErrorRenderer.render(ke));
          } else {
            e.println("kiln: internal error: " + ex);
            e.println("hint: this is a bug in Kiln; please report it with the output of --stacktrace");
          }
          if (trace) {
            ex.printStackTrace(e);
          }
          e.flush();
          return ExitCodes.of(ex);
        });
    return cmd;
  }

  /** {@code -h/--help} and {@code -V/--version} on every subcommand, as on the root. */
  private static void addHelpOptions(CommandLine cmd) {
    for (CommandLine sub : cmd.getSubcommands().values()) {
      if (!sub.getCommandSpec().mixinStandardHelpOptions()) {
        sub.getCommandSpec().mixinStandardHelpOptions(true);
      }
      addHelpOptions(sub);
    }
  }
}
