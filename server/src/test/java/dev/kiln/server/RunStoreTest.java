package dev.kiln.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the run history does in every database it can live in; a subclass names the database. */
abstract class RunStoreTest {
  /** A fresh, empty database for each test. */
  abstract HistoryDatabase database();

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  private static NewRun push(String delivery, String branch) {
    return new NewRun("github", delivery, "push", branch, "b".repeat(40), "a".repeat(40), null, null, List.of(),
        Map.of());
  }

  @Test
  void aDeliveryIsStoredOnceAndItsRunKeepsItsHistory() throws Exception {
    HistoryDatabase db = database();
    try (RunStore store = RunStore.open(db)) {
      RunStore.Accepted first = store.accept(push("d-1", "main"), T0);
      assertThat(first.isNew()).isTrue();
      assertThat(store.accept(push("d-1", "main"), T0.plusSeconds(1))).isEqualTo(new RunStore.Accepted(first.runId(),
          false));
      assertThat(store.accept(push("d-2", "dev"), T0).isNew()).isTrue();
      assertThat(store.queued()).hasSize(2);

      long id = first.runId();
      store.started(id, T0.plusSeconds(2));
      store.triggered(id, "push to main", List.of("check"), Map.of("slow", "true"));
      store.planned(id, Map.of("check", List.of(), "docs", List.of("check")));
      assertThat(store.tasks(id)).extracting(TaskRecord::status).containsOnly("pending");
      store.taskStarted(id, "check", T0.plusSeconds(3));
      store.log(id, "check", List.of("#1 CACHED busybox", "hello ***"), T0.plusSeconds(4));
      store.log(id, "", List.of("kiln: done"), T0.plusSeconds(5));
      store.taskFinished(id, "check", "succeeded", 1500, 3, 1, null, null, T0.plusSeconds(5));
      store.finished(id, RunStatus.SUCCEEDED, 0, "1 succeeded", T0.plusSeconds(6));

      RunRecord run = store.run(id).orElseThrow();
      assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(run.trigger()).isEqualTo("push to main");
      assertThat(run.tasks()).containsExactly("check");
      assertThat(run.params()).containsEntry("slow", "true");
      assertThat(run.duration()).hasValue(java.time.Duration.ofSeconds(4));
      TaskRecord task = store.tasks(id).get(0);
      assertThat(task).extracting(TaskRecord::status, TaskRecord::durationMs, TaskRecord::steps, TaskRecord::cachedSteps)
          .containsExactly("succeeded", 1500L, 3, 1);
      // a task of the graph that never started did not run; it still says what it waited for
      TaskRecord docs = store.tasks(id).get(1);
      assertThat(docs).extracting(TaskRecord::name, TaskRecord::status, TaskRecord::dependsOn)
          .containsExactly("docs", "skipped", List.of("check"));
      assertThat(store.cacheHits(10)).containsExactly(new CacheHits(id, T0.plusSeconds(6), 3, 1));
      List<LogLine> all = store.logs(id, null, 0, 100);
      assertThat(all).extracting(LogLine::line).containsExactly("#1 CACHED busybox", "hello ***", "kiln: done");
      assertThat(store.logs(id, "check", 0, 100)).hasSize(2);
      assertThat(store.logs(id, null, all.get(0).id(), 100)).hasSize(2);
      assertThat(store.runs("main", null, 10)).extracting(RunRecord::id).containsExactly(id);
      assertThat(store.runs(null, RunStatus.QUEUED, 10)).extracting(RunRecord::branch).containsExactly("dev");
      assertThat(store.countByStatus()).containsEntry(RunStatus.SUCCEEDED, 1L).containsEntry(RunStatus.QUEUED, 1L);
    }
    // the schema is Flyway's: a versioned migration, recorded
    try (var c = DriverManager.getConnection(db.url(), db.properties()); var r = c.createStatement()
        .executeQuery("SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL"
            + " ORDER BY installed_rank")) {
      for (String version : List.of("1", "2")) {
        assertThat(r.next()).isTrue();
        assertThat(r.getString(1)).isEqualTo(version);
        assertThat(r.getBoolean(2)).isTrue();
      }
      assertThat(r.next()).isFalse();
    }
  }

  @Test
  void reopeningMarksRunningRunsInterruptedAndKeepsQueuedOnes() {
    HistoryDatabase db = database();
    long running;
    long queued;
    try (RunStore store = RunStore.open(db)) {
      running = store.accept(push("d-1", "main"), T0).runId();
      queued = store.accept(push("d-2", "main"), T0).runId();
      store.started(running, T0);
      store.taskStarted(running, "check", T0);
    }
    try (RunStore store = RunStore.open(db)) {
      assertThat(store.interruptRunning(T0.plusSeconds(60))).isEqualTo(1);
      assertThat(store.run(running).orElseThrow().status()).isEqualTo(RunStatus.INTERRUPTED);
      assertThat(store.tasks(running).get(0).status()).isEqualTo("cancelled");
      assertThat(store.queued()).containsExactly(queued);
    }
  }

  @Test
  void twoServersSharingTheDatabaseMakeOneRunOfEachDelivery() throws Exception {
    HistoryDatabase db = database();
    int deliveries = 200;
    try (RunStore a = RunStore.open(db); RunStore b = RunStore.open(db)) {
      var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
      try {
        List<java.util.concurrent.Future<RunStore.Accepted>> answers = new java.util.ArrayList<>();
        for (int i = 0; i < deliveries; i++) {
          String id = "d-" + i;
          answers.add(pool.submit(() -> a.accept(push(id, "main"), T0)));
          answers.add(pool.submit(() -> b.accept(push(id, "main"), T0)));
        }
        int made = 0;
        for (int i = 0; i < answers.size(); i += 2) {
          RunStore.Accepted first = answers.get(i).get();
          RunStore.Accepted second = answers.get(i + 1).get();
          assertThat(first.runId()).isEqualTo(second.runId());
          assertThat(first.isNew()).isNotEqualTo(second.isNew());
          made += first.isNew() ? 1 : 0;
        }
        assertThat(made).isBetween(0, deliveries);
      } finally {
        pool.shutdown();
      }
      assertThat(a.queued()).hasSize(deliveries).isEqualTo(b.queued());
    }
  }
}
