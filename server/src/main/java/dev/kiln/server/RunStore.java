package dev.kiln.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.Flyway;

/**
 * The run history in a database (SQLite by default, or PostgreSQL): runs, their tasks and their
 * masked output. The schema is migrated by Flyway when the store opens ({@code db/migration/}, one
 * set for both databases); the statements are written in the SQL both accept. One connection, used by one thread at a time: SQLite
 * serialises writers anyway, and a statement takes milliseconds.
 */
public final class RunStore implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RUN_COLUMNS = "id, source, delivery, event, branch, commit_sha, base_sha, pull_request,"
      + " trigger_text, tasks, params, status, exit_code, message, queued_at, started_at, finished_at";

  private final Connection connection;

  private RunStore(Connection connection) {
    this.connection = connection;
  }

  /**
   * Opens the history in {@code database}, creating or migrating its schema.
   *
   * @throws HistoryException when the database cannot be opened or migrated
   */
  public static RunStore open(HistoryDatabase database) {
    try {
      Flyway.configure().dataSource(database.url(), null, database.password())
          .locations("classpath:db/migration").placeholders(database.kind().placeholders()).loggers("slf4j")
          .load().migrate();
      Connection c = DriverManager.getConnection(database.url(), database.properties());
      if (database.kind() == HistoryDatabase.Kind.SQLITE) {
        try (Statement s = c.createStatement()) {
          // readers (kiln runs, the web page) do not block the writer, and a writer waits for another
          s.execute("PRAGMA journal_mode=WAL");
          s.execute("PRAGMA synchronous=NORMAL");
          s.execute("PRAGMA busy_timeout=10000");
          s.execute("PRAGMA foreign_keys=ON");
        }
      }
      return new RunStore(c);
    } catch (SQLException | RuntimeException e) {
      throw new HistoryException("cannot open the run history at " + database + ": " + e.getMessage(), e);
    }
  }

  /**
   * Adds a queued run, or finds the run a delivery with the same source and id already made.
   *
   * @return the run's id, and whether it is new
   */
  public synchronized Accepted accept(NewRun run, Instant at) {
    // one statement decides, so two servers sharing a database make one run of a delivery both received
    Optional<Long> made = sql(() -> {
      try (PreparedStatement s = connection.prepareStatement("INSERT INTO runs (source, delivery, event, branch,"
          + " commit_sha, base_sha, pull_request, trigger_text, tasks, params, status, queued_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, delivery) DO NOTHING RETURNING id")) {
        s.setString(1, run.source());
        s.setString(2, run.delivery());
        s.setString(3, run.event());
        s.setString(4, run.branch());
        s.setString(5, run.commit());
        s.setString(6, run.base());
        setLong(s, 7, run.pullRequest());
        s.setString(8, run.trigger());
        s.setString(9, json(run.tasks()));
        s.setString(10, json(run.params()));
        s.setString(11, RunStatus.QUEUED.label());
        s.setLong(12, at.toEpochMilli());
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? Optional.of(r.getLong(1)) : Optional.empty();
        }
      }
    });
    return made.map(id -> new Accepted(id, true))
        .orElseGet(() -> new Accepted(runOf(run.source(), run.delivery()).orElseThrow(), false));
  }

  /** A run's id and whether {@link #accept} made it now (false: the delivery was seen before). */
  public record Accepted(long runId, boolean isNew) {}

  private Optional<Long> runOf(String source, String delivery) {
    return sql(() -> {
      try (PreparedStatement s = connection.prepareStatement("SELECT id FROM runs WHERE source = ? AND delivery = ?")) {
        s.setString(1, source);
        s.setString(2, delivery);
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? Optional.of(r.getLong(1)) : Optional.empty();
        }
      }
    });
  }

  /** The run has left the queue. */
  public synchronized void started(long run, Instant at) {
    update("UPDATE runs SET status = ?, started_at = ? WHERE id = ?", RunStatus.RUNNING.label(), at.toEpochMilli(), run);
  }

  /** The commit a schedule's run resolved its branch to. */
  public synchronized void commit(long run, String commit) {
    update("UPDATE runs SET commit_sha = ? WHERE id = ?", commit, run);
  }

  /** The trigger of the commit's pipeline that matched, with the tasks and parameters it asks for. */
  public synchronized void triggered(long run, String trigger, List<String> tasks, Map<String, String> params) {
    update("UPDATE runs SET trigger_text = ?, tasks = ?, params = ? WHERE id = ?", trigger, json(tasks), json(params),
        run);
  }

  /** The run ended. */
  public synchronized void finished(long run, RunStatus status, Integer exitCode, String message, Instant at) {
    // tasks the engine never reached (a dependency failed, the run was cancelled) did not run
    update("UPDATE run_tasks SET status = 'skipped' WHERE run_id = ? AND status = 'pending'", run);
    update("UPDATE runs SET status = ?, exit_code = ?, message = ?, finished_at = ? WHERE id = ?", status.label(),
        exitCode, message, at.toEpochMilli(), run);
  }

  /** Marks every run still {@code running} as {@code interrupted}: the server stopped under it. */
  public synchronized int interruptRunning(Instant at) {
    update("UPDATE run_tasks SET status = 'cancelled', finished_at = ? WHERE status = 'running'", at.toEpochMilli());
    update("UPDATE run_tasks SET status = 'skipped' WHERE status = 'pending' AND run_id IN"
        + " (SELECT id FROM runs WHERE status = ?)", RunStatus.RUNNING.label());
    return update("UPDATE runs SET status = ?, message = ?, finished_at = ? WHERE status = ?",
        RunStatus.INTERRUPTED.label(), "the server stopped while it ran", at.toEpochMilli(), RunStatus.RUNNING.label());
  }

  /** The run's tasks, each with the tasks it depends on, before any starts: its task graph. */
  public synchronized void planned(long run, Map<String, List<String>> graph) {
    sql(() -> {
      try (PreparedStatement s = connection.prepareStatement("INSERT INTO run_tasks (run_id, name, status, depends_on)"
          + " VALUES (?, ?, 'pending', ?) ON CONFLICT (run_id, name) DO UPDATE SET depends_on = excluded.depends_on")) {
        for (Map.Entry<String, List<String>> task : graph.entrySet()) {
          s.setLong(1, run);
          s.setString(2, task.getKey());
          s.setString(3, json(task.getValue()));
          s.addBatch();
        }
        s.executeBatch();
        return null;
      }
    });
  }

  /** A task started. */
  public synchronized void taskStarted(long run, String task, Instant at) {
    update("INSERT INTO run_tasks (run_id, name, status, started_at) VALUES (?, ?, 'running', ?)"
        + " ON CONFLICT (run_id, name) DO UPDATE SET status = 'running', started_at = excluded.started_at",
        run, task, at.toEpochMilli());
  }

  /** A task ended (one that never started is added). */
  public synchronized void taskFinished(long run, String task, String status, long durationMs, int steps,
      int cachedSteps, Integer exitCode, String error, Instant at) {
    update("INSERT INTO run_tasks (run_id, name, status, finished_at, duration_ms, steps, cached_steps, exit_code,"
        + " error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, name) DO UPDATE SET status = excluded.status,"
        + " finished_at = excluded.finished_at, duration_ms = excluded.duration_ms, steps = excluded.steps,"
        + " cached_steps = excluded.cached_steps, exit_code = excluded.exit_code, error = excluded.error",
        run, task, status, at.toEpochMilli(), durationMs, steps, cachedSteps, exitCode, error);
  }

  /** Stores masked output lines of a run, in order. */
  public synchronized void log(long run, String task, List<String> lines, Instant at) {
    sql(() -> {
      try (PreparedStatement s = connection.prepareStatement(
          "INSERT INTO log_lines (run_id, task, at, line) VALUES (?, ?, ?, ?)")) {
        for (String line : lines) {
          s.setLong(1, run);
          s.setString(2, task);
          s.setLong(3, at.toEpochMilli());
          s.setString(4, line);
          s.addBatch();
        }
        s.executeBatch();
        return null;
      }
    });
  }

  /** A run. */
  public synchronized Optional<RunRecord> run(long id) {
    List<RunRecord> found = runs("SELECT " + RUN_COLUMNS + " FROM runs WHERE id = ?", id);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** The newest runs first, at most {@code limit}, of {@code branch} and {@code status} when not null. */
  public synchronized List<RunRecord> runs(String branch, RunStatus status, int limit) {
    StringBuilder q = new StringBuilder("SELECT " + RUN_COLUMNS + " FROM runs WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (branch != null) {
      q.append(" AND branch = ?");
      args.add(branch);
    }
    if (status != null) {
      q.append(" AND status = ?");
      args.add(status.label());
    }
    q.append(" ORDER BY id DESC LIMIT ?");
    args.add(limit);
    return runs(q.toString(), args.toArray());
  }

  /** The ids of queued runs, oldest first: what a restarted server resumes. */
  public synchronized List<Long> queued() {
    return runs("SELECT " + RUN_COLUMNS + " FROM runs WHERE status = ? ORDER BY id", RunStatus.QUEUED.label())
        .stream().map(RunRecord::id).toList();
  }

  /** How many runs there are of each status. */
  public synchronized Map<RunStatus, Long> countByStatus() {
    return sql(() -> {
      var out = new EnumMap<RunStatus, Long>(RunStatus.class);
      try (Statement s = connection.createStatement();
          ResultSet r = s.executeQuery("SELECT status, COUNT(*) FROM runs GROUP BY status")) {
        while (r.next()) {
          out.put(RunStatus.of(r.getString(1)), r.getLong(2));
        }
      }
      return out;
    });
  }

  /** A run's tasks in the order they started. */
  public synchronized List<TaskRecord> tasks(long run) {
    return sql(() -> {
      try (PreparedStatement s = connection.prepareStatement("SELECT run_id, name, status, started_at, finished_at,"
          + " duration_ms, steps, cached_steps, exit_code, error, depends_on FROM run_tasks WHERE run_id = ?"
          + " ORDER BY COALESCE(started_at, finished_at, " + Long.MAX_VALUE + "), name")) {
        s.setLong(1, run);
        var out = new ArrayList<TaskRecord>();
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            out.add(new TaskRecord(r.getLong(1), r.getString(2), r.getString(3), instant(r, 4), instant(r, 5),
                longOrNull(r, 6), r.getInt(7), r.getInt(8), intOrNull(r, 9), r.getString(10),
                JSON.readValue(r.getString(11), new TypeReference<List<String>>() {})));
          }
        }
        return out;
      }
    });
  }

  /**
   * The cache hits of the newest finished runs that reported steps, oldest first, at most
   * {@code limit}: what the page plots over time.
   */
  public synchronized List<CacheHits> cacheHits(int limit) {
    return sql(() -> {
      try (PreparedStatement s = connection.prepareStatement("SELECT r.id, r.finished_at, SUM(t.steps),"
          + " SUM(t.cached_steps) FROM runs r JOIN run_tasks t ON t.run_id = r.id WHERE r.finished_at IS NOT NULL"
          + " GROUP BY r.id, r.finished_at HAVING SUM(t.steps) > 0 ORDER BY r.id DESC LIMIT ?")) {
        s.setInt(1, limit);
        var out = new ArrayList<CacheHits>();
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            out.add(0, new CacheHits(r.getLong(1), Instant.ofEpochMilli(r.getLong(2)), r.getLong(3), r.getLong(4)));
          }
        }
        return out;
      }
    });
  }

  /** A run's lines after line {@code afterId} (0: from the start), of {@code task} when not null, at most {@code limit}. */
  public synchronized List<LogLine> logs(long run, String task, long afterId, int limit) {
    return sql(() -> {
      try (PreparedStatement s = connection.prepareStatement("SELECT id, run_id, task, at, line FROM log_lines"
          + " WHERE run_id = ? AND id > ?" + (task != null ? " AND task = ?" : "") + " ORDER BY id LIMIT ?")) {
        s.setLong(1, run);
        s.setLong(2, afterId);
        int i = 3;
        if (task != null) {
          s.setString(i++, task);
        }
        s.setInt(i, limit);
        var out = new ArrayList<LogLine>();
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            out.add(new LogLine(r.getLong(1), r.getLong(2), r.getString(3), Instant.ofEpochMilli(r.getLong(4)),
                r.getString(5)));
          }
        }
        return out;
      }
    });
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // closing: nothing is lost (every statement committed)
    }
  }

  private List<RunRecord> runs(String query, Object... args) {
    return sql(() -> {
      try (PreparedStatement s = connection.prepareStatement(query)) {
        bind(s, args);
        var out = new ArrayList<RunRecord>();
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            out.add(new RunRecord(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                r.getString(6), r.getString(7), longOrNull(r, 8), r.getString(9),
                JSON.readValue(r.getString(10), new TypeReference<List<String>>() {}),
                JSON.readValue(r.getString(11), new TypeReference<Map<String, String>>() {}), RunStatus.of(r.getString(12)),
                intOrNull(r, 13), r.getString(14), instant(r, 15), instant(r, 16), instant(r, 17)));
          }
        }
        return out;
      }
    });
  }

  private int update(String statement, Object... args) {
    return sql(() -> {
      try (PreparedStatement s = connection.prepareStatement(statement)) {
        bind(s, args);
        return s.executeUpdate();
      }
    });
  }

  private static void bind(PreparedStatement s, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a == null) {
        s.setNull(i + 1, Types.NULL);
      } else if (a instanceof Long l) {
        s.setLong(i + 1, l);
      } else if (a instanceof Integer n) {
        s.setInt(i + 1, n);
      } else {
        s.setString(i + 1, a.toString());
      }
    }
  }

  private static void setLong(PreparedStatement s, int i, Long value) throws SQLException {
    if (value == null) {
      s.setNull(i, Types.BIGINT);
    } else {
      s.setLong(i, value);
    }
  }

  private static Instant instant(ResultSet r, int column) throws SQLException {
    long v = r.getLong(column);
    return r.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private static Long longOrNull(ResultSet r, int column) throws SQLException {
    long v = r.getLong(column);
    return r.wasNull() ? null : v;
  }

  private static Integer intOrNull(ResultSet r, int column) throws SQLException {
    int v = r.getInt(column);
    return r.wasNull() ? null : v;
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private interface Query<T> {
    T run() throws SQLException, IOException;
  }

  private static <T> T sql(Query<T> query) {
    try {
      return query.run();
    } catch (SQLException | IOException e) {
      throw new HistoryException("the run history failed: " + e.getMessage(), e);
    }
  }
}
