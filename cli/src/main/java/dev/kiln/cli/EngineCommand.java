package dev.kiln.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kiln engine ...}: inspect and manage the BuildKit engine. */
@Command(
    name = "engine",
    description = "Inspect and manage the BuildKit engine (or the fleet of engines).",
    footerHeading = Kiln.EXAMPLES,
    footer = {
      "  # which engine Kiln uses, and what it can do",
      "  kiln engine info",
      "  # how much build cache it holds, then remove what was not used for a week",
      "  kiln engine du",
      "  kiln engine prune --keep-duration 7d"
    },
    subcommands = {EngineInfoCommand.class, EngineLsCommand.class, EngineDuCommand.class, EnginePruneCommand.class})
final class EngineCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
