package dev.kiln.server;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The run history in SQLite, the default. */
class SqliteRunStoreTest extends RunStoreTest {
  @TempDir Path dir;

  @Override
  HistoryDatabase database() {
    return HistoryDatabase.sqlite(dir.resolve("history.db"));
  }
}
