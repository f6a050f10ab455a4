package dev.kiln.cli;

import dev.kiln.server.RunStore;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the run history of {@code kiln serve} is: its data directory, or a database URL. */
final class HistoryOptions {
  @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE) picocli.CommandLine.Model.CommandSpec mixee;

  @Option(names = "--data", paramLabel = "DIR", defaultValue = ".kiln/serve",
      description = "The server's data directory; its history is DIR/history.db (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--database", paramLabel = "JDBC_URL",
      description = "The history's database instead, as a JDBC URL (jdbc:sqlite:FILE).")
  String database;

  /** The history's JDBC URL. */
  String jdbcUrl() {
    return database != null ? database : "jdbc:sqlite:" + data.toAbsolutePath().resolve("history.db");
  }

  /** Opens the history (it must exist when {@code mustExist}: reading commands do not create one). */
  RunStore open(boolean mustExist) {
    if (mustExist && database == null && !java.nio.file.Files.isRegularFile(data.resolve("history.db"))) {
      throw new picocli.CommandLine.ParameterException(mixee.commandLine(),
          "no run history in " + data + " (start `kiln serve` there, or name it with --data)");
    }
    return RunStore.open(jdbcUrl());
  }
}
