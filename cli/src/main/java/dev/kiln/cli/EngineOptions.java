package dev.kiln.cli;

import picocli.CommandLine.Option;

/** The {@code --engine} option, shared by every command that talks to an engine. */
final class EngineOptions {
  @Option(
      names = "--engine",
      paramLabel = "ADDR",
      description = "Engine address: docker://[/path/docker.sock], unix:///path/buildkitd.sock or "
          + "tcp://host:port. Default: $BUILDKIT_HOST, /run/buildkit/buildkitd.sock, then $DOCKER_HOST "
          + "or /var/run/docker.sock.")
  String engine;
}
