package dev.kiln.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kiln engine ...}: inspect and manage the BuildKit engine. */
@Command(
    name = "engine",
    description = "Inspect and manage the BuildKit engine.",
    subcommands = {EngineInfoCommand.class, EngineDuCommand.class, EnginePruneCommand.class})
final class EngineCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
