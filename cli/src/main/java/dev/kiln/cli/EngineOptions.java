package dev.kiln.cli;

import dev.kiln.executor.ExecutorBuilder;
import dev.kiln.executor.engine.EngineAddress;
import dev.kiln.executor.engine.EngineTls;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code --engine} option and its TLS options, shared by every command that talks to an engine. */
final class EngineOptions {
  /** The address as given, already validated; null when the default discovery applies. */
  String engine;

  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  @Option(names = "--tlsdir", paramLabel = "DIR",
      description = "TLS files for a tcp:// engine: ca.pem, cert.pem and key.pem (or a Kubernetes Secret's ca.crt,"
          + " tls.crt and tls.key). Default: $" + EngineTls.ENV_DIR + ".")
  Path tlsDir;

  @Option(names = "--tlscacert", paramLabel = "FILE",
      description = "The CA that signed the engine's certificate (PEM). Default: $" + EngineTls.ENV_CA + ".")
  Path tlsCa;

  @Option(names = "--tlscert", paramLabel = "FILE",
      description = "Kiln's client certificate (PEM). Default: $" + EngineTls.ENV_CERT + ".")
  Path tlsCert;

  @Option(names = "--tlskey", paramLabel = "FILE",
      description = "The client certificate's private key (PEM, unencrypted). Default: $" + EngineTls.ENV_KEY + ".")
  Path tlsKey;

  @Option(names = "--tlsservername", paramLabel = "NAME",
      description = "The name the engine's certificate must hold. Default: the address's host, or $"
          + EngineTls.ENV_SERVER_NAME + ".")
  String tlsServerName;

  @Option(
      names = "--engine",
      paramLabel = "ADDR",
      description = "Engine address: docker://[/path/docker.sock], docker://tcp://host:port, "
          + "unix:///path/buildkitd.sock, tcp://host:port or kube-pod://[NAMESPACE/]POD. Default: $BUILDKIT_HOST, "
          + "/run/buildkit/buildkitd.sock, then $DOCKER_HOST or /var/run/docker.sock.")
  void setEngine(String value) {
    try {
      EngineAddress.parse(value);
    } catch (IllegalArgumentException e) {
      // A malformed address is a usage error (exit 2), not an unreachable engine.
      throw new ParameterException(mixee.commandLine(), e.getMessage());
    }
    engine = value;
  }

  /** The TLS settings the flags give, or null; mixed or incomplete ones are a usage error. */
  EngineTls tls() {
    try {
      EngineTls tls = EngineTls.of(tlsDir, tlsCa, tlsCert, tlsKey, tlsServerName);
      if (tls != null && engine != null && !EngineAddress.parse(engine).tcp()) {
        throw new IllegalArgumentException("--tls* options apply to tcp:// and docker://tcp:// engines only");
      }
      return tls;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(mixee.commandLine(), e.getMessage());
    }
  }

  /** An executor for the engine this option names, else for the one Kiln finds. */
  ExecutorBuilder executor() {
    return ExecutorBuilder.preconfigured().setEngine(engine).setEngineTls(tls());
  }
}
