package dev.kiln.cli;

import dev.kiln.model.KilnException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The root {@code kiln} command; {@link #commandLine} wires error handling in one place. */
@Command(
    name = "kiln",
    mixinStandardHelpOptions = true,
    versionProvider = KilnVersion.class,
    description = "Pipeline-as-code CI/CD on BuildKit: typed Pkl pipelines, run the same everywhere.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:ok",
      "1:a task failed",
      "2:invalid pipeline or usage",
      "3:engine unreachable",
      "70:a bug in Kiln",
      "130:interrupted"
    },
    footerHeading = Kiln.EXAMPLES,
    footer = {
      "  # a starter pipeline.pkl here, then check it and run it",
      "  kiln init && kiln validate && kiln run",
      "  # which steps of the task `test` will run again, and why",
      "  kiln plan --explain test",
      "  # a command's options and examples",
      "  kiln run --help"
    })
public final class Kiln implements Runnable {
  /** The heading of every command's examples, the last part of its help. */
  static final String EXAMPLES = "%nExamples:%n";

  @Option(
      names = "--stacktrace",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Print the stack trace of errors (for bug reports).")
  boolean stacktrace;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The environment commands read (CI systems, terminal): the process's, or a test's. */
  Map<String, String> environment = System.getenv();

  /** The environment of the command line {@code spec} belongs to. */
  static Map<String, String> environment(CommandLine.Model.CommandSpec spec) {
    return spec.root().userObject() instanceof Kiln k ? k.environment : System.getenv();
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The subcommands, in the order help lists them. */
  private static final List<String> SUBCOMMANDS = List.of("run", "shell", "logs", "engine", "plan", "validate",
      "list", "init", "schema", "deps", "package", "trust", "serve", "runs", "__train", "help");

  /** The configured command line for {@code args}, writing to the process's stdout and stderr. */
  public static CommandLine commandLine(String[] args) {
    // UTF-8 whatever the locale: Pkl sources, task descriptions and logs are UTF-8, and Java 17
    // would otherwise print '?' for every non-ASCII character under a POSIX locale (as in CI images).
    return commandLine(
        new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true), args);
  }

  /** The configured command line with every subcommand, writing to the given streams (tests use this). */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    return commandLine(out, err, new String[0]);
  }

  // A switch, not a map of constructor references: JDK 25 crashes writing its AOT cache when a
  // lambda names a pre-Java-6 class such as picocli's HelpCommand.
  private static Object subcommand(String name) {
    return switch (name) {
      case "run" -> new RunCommand();
      case "shell" -> new ShellCommand();
      case "logs" -> new LogsCommand();
      case "engine" -> new EngineCommand();
      case "plan" -> new PlanCommand();
      case "validate" -> new ValidateCommand();
      case "list" -> new ListCommand();
      case "init" -> new InitCommand();
      case "schema" -> new SchemaCommand();
      case "deps" -> new DepsCommand();
      case "package" -> new PackageCommand();
      case "trust" -> new TrustCommand();
      case "serve" -> new ServeCommand();
      case "runs" -> new RunsCommand();
      case "__train" -> new TrainCommand();
      default -> new CommandLine.HelpCommand();
    };
  }

  /**
   * The configured command line for {@code args}, writing to the given streams. When the first
   * argument names a subcommand, only that one is built: picocli reflects over every command it
   * is given, which costs a fresh process ~15 ms per run; errors and help read the same.
   */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err, String[] args) {
    return commandLine(out, err, args, System.getenv());
  }

  /** The configured command line, reading {@code environment} instead of the process's (tests set CI variables). */
  static CommandLine commandLine(PrintWriter out, PrintWriter err, String[] args, Map<String, String> environment) {
    Kiln root = new Kiln();
    root.environment = Map.copyOf(environment);
    CommandLine cmd = new CommandLine(root);
    if (args.length > 0 && SUBCOMMANDS.contains(args[0]) && !args[0].equals("help")) {
      cmd.addSubcommand(args[0], subcommand(args[0]));
    } else {
      for (String name : SUBCOMMANDS) {
        cmd.addSubcommand(name, subcommand(name));
      }
    }
    CommandLine help = cmd.getSubcommands().get("help");
    if (help != null) {
      help.getCommandSpec().usageMessage().footerHeading(EXAMPLES)
          .footer("  # the options and examples of `kiln run`", "  kiln help run",
              "  # the engine's commands (kiln engine prune --help: one of them)", "  kiln help engine");
    }
    addHelpOptions(cmd);
    cmd.setHelpFactory(new KilnHelp.Factory());
    cmd.setUsageHelpAutoWidth(true);
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setExecutionStrategy(parseResult -> {
      try {
        return new CommandLine.RunLast().execute(parseResult);
      } catch (Error e) {
        // picocli hands only Exceptions to the handler below: an Error would escape as a JVM trace.
        List<CommandLine> commands = parseResult.asCommandLineList();
        throw new CommandLine.ExecutionException(commands.get(commands.size() - 1), e.toString(), e);
      }
    });
    cmd.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          boolean trace = commandLine.getCommandSpec().root().userObject() instanceof Kiln k && k.stacktrace;
          PrintWriter e = commandLine.getErr();
          Throwable failure = ex instanceof CommandLine.ExecutionException && ex.getCause() instanceof Error
              ? ex.getCause() : ex;
          e.print(ErrorRenderer.render(failure, trace));
          if (failure instanceof KilnException ke) {
            ErrorRenderer.annotations(ke, root.environment).forEach(e::println);
          }
          e.flush();
          return ExitCodes.of(failure);
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
