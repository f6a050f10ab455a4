-- The task graph of a run: each task's dependencies (a JSON array of task names), recorded when the
-- run's tasks are known, before any starts (status 'pending').
ALTER TABLE run_tasks ADD COLUMN depends_on TEXT NOT NULL DEFAULT '[]';
