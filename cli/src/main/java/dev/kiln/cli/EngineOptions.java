package dev.kiln.cli;

import dev.kiln.evaluator.EngineFleetFile;
import dev.kiln.executor.ExecutorBuilder;
import dev.kiln.executor.engine.EngineAddress;
import dev.kiln.model.EngineFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * The {@code --engine} option, shared by every command that talks to an engine, and where the
 * engines come from: the flags (one engine, or a fleet when repeated), else the project's {@code
 * .kiln/engines.pkl}, else the user's {@code engines.pkl} (see {@link ConfigDirectory}), else the
 * engine Kiln finds.
 */
final class EngineOptions {
  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  /** The addresses as given, already validated (a malformed one is a usage error, exit 2, not an unreachable engine). */
  @Option(
      names = "--engine",
      paramLabel = "ADDR",
      converter = Address.class,
      description = "Engine address: docker://[/path/docker.sock], unix:///path/buildkitd.sock or "
          + "tcp://host:port; repeat it for a fleet (tasks spread over the engines). Default: the fleet of "
          + ".kiln/engines.pkl or ~/.config/kiln/engines.pkl, else $BUILDKIT_HOST, /run/buildkit/buildkitd.sock, "
          + "then $DOCKER_HOST or /var/run/docker.sock.")
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

  /** An executor for the engines these options name, else those of the current directory's project. */
  ExecutorBuilder executor() {
    return executor(Path.of("").toAbsolutePath());
  }

  /** An executor for the engines these options name, else the fleet {@code project} or the user configures. */
  ExecutorBuilder executor(Path project) {
    ExecutorBuilder builder = ExecutorBuilder.preconfigured();
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
