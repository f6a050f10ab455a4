package dev.kiln.cli;

import dev.kiln.executor.ExecutorBuilder;
import dev.kiln.executor.engine.EngineAddress;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code --engine} option, shared by every command that talks to an engine. */
final class EngineOptions {
  /** The address as given, already validated; null when the default discovery applies. */
  String engine;

  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  @Option(
      names = "--engine",
      paramLabel = "ADDR",
      description = "Engine address: docker://[/path/docker.sock], unix:///path/buildkitd.sock or "
          + "tcp://host:port. Default: $BUILDKIT_HOST, /run/buildkit/buildkitd.sock, then $DOCKER_HOST "
          + "or /var/run/docker.sock.")
  void setEngine(String value) {
    try {
      EngineAddress.parse(value);
    } catch (IllegalArgumentException e) {
      // A malformed address is a usage error (exit 2), not an unreachable engine.
      throw new ParameterException(mixee.commandLine(), e.getMessage());
    }
    engine = value;
  }

  /** An executor for the engine this option names, else for the one Kiln finds. */
  ExecutorBuilder executor() {
    return ExecutorBuilder.preconfigured().setEngine(engine);
  }
}
