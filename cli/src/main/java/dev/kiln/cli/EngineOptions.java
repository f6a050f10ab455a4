package dev.kiln.cli;

import dev.kiln.evaluator.EngineFleetFile;
import dev.kiln.executor.ExecutorBuilder;
import dev.kiln.executor.engine.EngineAddress;
import dev.kiln.executor.engine.EngineTls;
import dev.kiln.model.EngineFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * The {@code --engine} option and its TLS options, shared by every command that talks to an
 * engine, and where the engines come from: the flags (one engine, or a fleet when repeated), else
 * the project's {@code .kiln/engines.pkl}, else the user's {@code engines.pkl} (see {@link
 * ConfigDirectory}), else the engine Kiln finds.
 */
final class EngineOptions {
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

  /** The addresses as given, already validated (a malformed one is a usage error, exit 2, not an unreachable engine). */
  @Option(
      names = "--engine",
      paramLabel = "ADDR",
      converter = Address.class,
      description = "Engine address: docker://[/path/docker.sock], docker://tcp://host:port, "
          + "unix:///path/buildkitd.sock, tcp://host:port or kube-pod://[NAMESPACE/]POD; repeat it for a fleet "
          + "(tasks spread over the engines). Default: the fleet of .kiln/engines.pkl or ~/.config/kiln/engines.pkl, "
          + "else $BUILDKIT_HOST, /run/buildkit/buildkitd.sock, then $DOCKER_HOST or /var/run/docker.sock.")
  List<String> engines = new ArrayList<>();

  /** Checks an address as {@link EngineAddress#parse} reads it, and keeps it as given. */
  static final class Address implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      try {
        EngineAddress.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
      return value;
    }
  }

  /** The one engine the flags name, or null. */
  String engine() {
    return engines.size() == 1 ? engines.get(0) : null;
  }

  /** The TLS settings the flags give, or null; mixed or incomplete ones are a usage error. */
  EngineTls tls() {
    try {
      EngineTls tls = EngineTls.of(tlsDir, tlsCa, tlsCert, tlsKey, tlsServerName);
      if (tls != null && engines.size() > 1) {
        throw new IllegalArgumentException("--tls* options apply to one engine; a fleet's engines take theirs"
            + " from their addresses (?tlsdir=...)");
      }
      if (tls != null && engine() != null && !EngineAddress.parse(engine()).tcp()) {
        throw new IllegalArgumentException("--tls* options apply to tcp:// and docker://tcp:// engines only");
      }
      return tls;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(mixee.commandLine(), e.getMessage());
    }
  }

  /** An executor for the engines these options name, else those of the current directory's project. */
  ExecutorBuilder executor() {
    return executor(Path.of("").toAbsolutePath());
  }

  /** An executor for the engines these options name, else the fleet {@code project} or the user configures. */
  ExecutorBuilder executor(Path project) {
    ExecutorBuilder builder = ExecutorBuilder.preconfigured().setEnvironment(Kiln.environment(mixee))
        .setEngineTls(tls());
    if (engines.size() == 1) {
      return builder.setEngine(engines.get(0));
    }
    return builder.setFleet(fleet(project).orElse(null));
  }

  /** The engines of the flags, else of {@code project}'s engines file, else of the user's; empty for none. */
  Optional<EngineFleet> fleet(Path project) {
    if (!engines.isEmpty()) {
      return Optional.of(EngineFleet.of(engines));
    }
    for (Path file : List.of(project.resolve(EngineFleetFile.PROJECT_FILE),
        ConfigDirectory.of(Kiln.environment(mixee)).resolve("engines.pkl"))) {
      if (Files.exists(file)) {
        return Optional.of(EngineFleetFile.read(file));
      }
    }
    return Optional.empty();
  }
}
