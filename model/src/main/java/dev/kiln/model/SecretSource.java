package dev.kiln.model;

import java.nio.file.Path;
import java.util.Objects;

/** Where the host reads a secret's value: an environment variable, a file or a command's output. */
public sealed interface SecretSource
    permits SecretSource.Environment, SecretSource.HostFile, SecretSource.Command {

  /** The host environment variable {@code variable}. */
  record Environment(String variable) implements SecretSource {
    public Environment {
      Objects.requireNonNull(variable, "variable");
    }
  }

  /** The host file {@code path}: relative to the project root, or absolute. */
  record HostFile(Path path) implements SecretSource {
    public HostFile {
      Objects.requireNonNull(path, "path");
    }
  }

  /** The standard output of the shell command {@code command}, run on the host in the project root. */
  record Command(String command) implements SecretSource {
    public Command {
      Objects.requireNonNull(command, "command");
    }
  }
}
