package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.server.HistoryDatabase;
import dev.kiln.server.NewRun;
import dev.kiln.server.RunStatus;
import dev.kiln.server.RunStore;
import dev.kiln.testsupport.PostgresCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kiln runs and kiln logs read the history kiln serve writes. */
class HistoryCommandsTest extends KilnInProcess {
  @TempDir Path dir;

  @Test
  void runsAndLogsReadTheServersHistory() {
    Instant t = Instant.parse("2026-12-01T10:00:00Z");
    try (RunStore store = RunStore.open(HistoryDatabase.sqlite(dir.resolve("history.db")))) {
      long ok = store.accept(new NewRun("github", "d1", "push", "main", "c".repeat(40), null, null, null, List.of(),
          Map.of()), t).runId();
      store.started(ok, t);
      store.log(ok, "", List.of("kiln: trigger: push to main"), t);
      store.log(ok, "check", List.of("#1 DONE 0.3s sh -c true", "hello"), t);
      store.finished(ok, RunStatus.SUCCEEDED, 0, "1 succeeded", t.plusMillis(2500));
      store.accept(new NewRun("github", "d2", "push", "dev", "d".repeat(40), null, null, null, List.of(), Map.of()), t);
    }
    assertThat(kiln("runs", "--data", dir.toString())).as(err.toString()).isZero();
    assertThat(out.toString()).containsPattern("(?m)^2 +queued +push +dev +dddddddddddd")
        .containsPattern("(?m)^1 +succeeded +push +main +cccccccccccc +2026-12-01 10:00:00 2.5s$");
    assertThat(kiln("runs", "--data", dir.toString(), "--status", "succeeded", "--format", "json")).isZero();
    assertThat(out.toString()).contains("\"id\" : 1").doesNotContain("\"id\" : 2").contains("\"status\" : \"succeeded\"");
    assertThat(kiln("logs", "--data", dir.toString(), "--run", "1")).isZero();
    assertThat(out.toString()).isEqualTo("kiln: trigger: push to main\n[check] #1 DONE 0.3s sh -c true\n[check] hello\n");
    assertThat(err.toString()).contains("run 1: succeeded (1 succeeded)");
    assertThat(kiln("logs", "--data", dir.toString(), "--run", "1", "check")).isZero();
    assertThat(out.toString()).isEqualTo("#1 DONE 0.3s sh -c true\nhello\n");
  }

  @Test
  void withoutAHistoryItIsAUsageError() {
    assertThat(kiln("runs", "--data", dir.resolve("none").toString())).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("no run history in");
    assertThat(kiln("runs", "--data", dir.toString(), "--status", "done")).isEqualTo(ExitCodes.INVALID);
  }

  @Test
  void aDatabaseOfAnotherKindOrWithThePasswordInItsUrlIsAUsageError() {
    assertThat(kiln("runs", "--database", "jdbc:mysql://127.0.0.1/kiln")).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("must be SQLite (jdbc:sqlite:FILE) or PostgreSQL");
    assertThat(kiln("runs", "--database", "jdbc:postgresql://127.0.0.1/kiln?user=k&password=hunter2"))
        .isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("must not carry the password").doesNotContain("hunter2");
  }

  @Test
  void runsAndLogsReadAHistoryInPostgresql() throws Exception {
    try (PostgresCluster cluster = PostgresCluster.startOrSkip()) {
      String url = cluster.newDatabase("history");
      Path password = dir.resolve("db.password");
      Files.writeString(password, PostgresCluster.PASSWORD + "\n");
      Instant t = Instant.parse("2026-12-01T10:00:00Z");
      try (RunStore store = RunStore.open(HistoryDatabase.of(url, PostgresCluster.PASSWORD))) {
        long id = store.accept(new NewRun("gitlab", "d1", "push", "main", "e".repeat(40), null, null, null, List.of(),
            Map.of()), t).runId();
        store.started(id, t);
        store.log(id, "check", List.of("hello from postgres"), t);
        store.finished(id, RunStatus.FAILED, 1, "0 succeeded, 1 failed", t.plusMillis(1500));
      }
      assertThat(kiln("runs", "--database", url, "--database-password-file", password.toString()))
          .as(err.toString()).isZero();
      assertThat(out.toString()).containsPattern("(?m)^1 +failed +push +main +eeeeeeeeeeee +2026-12-01 10:00:00 1.5s$");
      assertThat(kiln("logs", "--database", url, "--database-password-file", password.toString(), "--run", "1", "check"))
          .isZero();
      assertThat(out.toString()).isEqualTo("hello from postgres\n");
      // without the password, PostgreSQL refuses, and the error says where
      assertThat(kiln("runs", "--database", url)).isEqualTo(ExitCodes.INVALID);
      assertThat(err.toString()).contains("cannot open the run history at " + url);
    }
  }
}
