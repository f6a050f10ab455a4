-- Kiln's run history (kiln serve writes it; kiln runs and kiln logs read it), in SQLite or PostgreSQL:
-- the types are those both take, and the placeholder identity is each one's generated key (HistoryDatabase.Kind).
-- Times are epoch milliseconds.

-- One row per accepted webhook delivery or schedule firing; (source, delivery) de-duplicates re-sent deliveries.
CREATE TABLE runs (
  id            ${identity},
  source        TEXT    NOT NULL,  -- github, gitlab, generic, schedule
  delivery      TEXT    NOT NULL,  -- the sender's delivery id (a schedule: its trigger and time)
  event         TEXT    NOT NULL,  -- push, pull_request, schedule
  branch        TEXT    NOT NULL,  -- the pushed branch, a pull request's target, a schedule's branch
  commit_sha    TEXT,              -- the commit that runs (a schedule's is known once it starts)
  base_sha      TEXT,              -- what changed files are counted from
  pull_request  BIGINT,
  trigger_text  TEXT,              -- the pipeline's trigger that matched, described
  tasks         TEXT    NOT NULL,  -- JSON array: the tasks run (empty: the pipeline's default)
  params        TEXT    NOT NULL,  -- JSON object: parameter values
  status        TEXT    NOT NULL,  -- queued, running, succeeded, failed, cancelled, skipped, error, interrupted
  exit_code     INTEGER,           -- as kiln run's: 0 ok, 1 a task failed, 2 invalid pipeline, 3 engine unreachable, 130 cancelled
  message       TEXT,
  queued_at     BIGINT  NOT NULL,
  started_at    BIGINT,
  finished_at   BIGINT,
  UNIQUE (source, delivery)
);
CREATE INDEX runs_by_branch ON runs (branch, id);
CREATE INDEX runs_by_status ON runs (status, id);

-- The tasks of a run as they start and end.
CREATE TABLE run_tasks (
  run_id        BIGINT  NOT NULL REFERENCES runs (id),
  name          TEXT    NOT NULL,
  status        TEXT    NOT NULL,  -- running, succeeded, failed, cancelled, skipped
  started_at    BIGINT,
  finished_at   BIGINT,
  duration_ms   BIGINT,
  steps         INTEGER NOT NULL DEFAULT 0,  -- steps the engine reported
  cached_steps  INTEGER NOT NULL DEFAULT 0,  -- of which came from the cache
  exit_code     INTEGER,
  error         TEXT,
  PRIMARY KEY (run_id, name)
);

-- Output lines, masked before they are stored; task '' holds the server's own lines (checkout, evaluation).
CREATE TABLE log_lines (
  id            ${identity},
  run_id        BIGINT  NOT NULL REFERENCES runs (id),
  task          TEXT    NOT NULL,
  at            BIGINT  NOT NULL,
  line          TEXT    NOT NULL
);
CREATE INDEX log_lines_by_run ON log_lines (run_id, id);
