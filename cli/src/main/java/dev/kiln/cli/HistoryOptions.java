package dev.kiln.cli;

import dev.kiln.server.HistoryDatabase;
import dev.kiln.server.RunStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Where the run history of {@code kiln serve} is: its data directory, or a database URL. */
final class HistoryOptions {
  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  @Option(names = "--data", paramLabel = "DIR", defaultValue = ".kiln/serve",
      description = "The server's data directory; its history is DIR/history.db (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--database", paramLabel = "JDBC_URL",
      description = "The history's database instead, as a JDBC URL: jdbc:sqlite:FILE, or"
          + " jdbc:postgresql://HOST:PORT/DATABASE?user=NAME for a shared PostgreSQL.")
  String database;

  @Option(names = "--database-password-file", paramLabel = "FILE",
      description = "The database's password (else $KILN_DATABASE_PASSWORD; never in the URL).")
  Path passwordFile;

  /** The history's database. */
  HistoryDatabase database() {
    if (database == null) {
      return HistoryDatabase.sqlite(data.resolve("history.db"));
    }
    try {
      return HistoryDatabase.of(database, password());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(mixee.commandLine(), e.getMessage());
    }
  }

  private String password() {
    if (passwordFile != null) {
      if (!Files.isRegularFile(passwordFile)) {
        throw new ParameterException(mixee.commandLine(), "no file " + passwordFile);
      }
      try {
        return Files.readString(passwordFile).strip();
      } catch (IOException e) {
        throw new ParameterException(mixee.commandLine(), "cannot read " + passwordFile + ": " + e.getMessage());
      }
    }
    String v = System.getenv("KILN_DATABASE_PASSWORD");
    return v == null || v.isBlank() ? null : v.strip();
  }

  /** Opens the history (it must exist when {@code mustExist}: reading commands do not create one). */
  RunStore open(boolean mustExist) {
    if (mustExist && database == null && !Files.isRegularFile(data.resolve("history.db"))) {
      throw new ParameterException(mixee.commandLine(),
          "no run history in " + data + " (start `kiln serve` there, or name it with --data)");
    }
    return RunStore.open(database());
  }
}
