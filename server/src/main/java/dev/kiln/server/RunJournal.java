package dev.kiln.server;

import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes what one run reports into the history, and wakes whoever follows it live: tasks as they
 * start and end (with how many of their steps ran and how many came from the cache), and output
 * lines. Lines reach the history already masked.
 */
final class RunJournal implements RunEvents {
  private final long run;
  private final RunStore store;
  private final LiveRuns live;
  private final Clock clock;
  // per task: the digests of its steps, and of those the cached ones
  private final Map<String, Set<String>> steps = new HashMap<>();
  private final Map<String, Set<String>> cached = new HashMap<>();

  RunJournal(long run, RunStore store, LiveRuns live, Clock clock) {
    this.run = run;
    this.store = store;
    this.live = live;
    this.clock = clock;
  }

  /** A line of the server's own (checkout, evaluation, trigger). */
  void say(String line) {
    log("", "kiln: " + line);
  }

  @Override
  public void taskStarted(String task) {
    store.taskStarted(run, task, clock.instant());
    live.changed(run);
  }

  @Override
  public synchronized void step(String task, String digest, boolean isCached, boolean completed) {
    steps.computeIfAbsent(task, t -> new HashSet<>()).add(digest);
    if (isCached) {
      cached.computeIfAbsent(task, t -> new HashSet<>()).add(digest);
    }
  }

  @Override
  public void log(String task, String line) {
    store.log(run, task, List.of(line), clock.instant());
    live.changed(run);
  }

  @Override
  public void taskFinished(String task, String status, long durationMs, Integer exitCode, String error) {
    int all;
    int fromCache;
    synchronized (this) {
      all = steps.getOrDefault(task, Set.of()).size();
      fromCache = cached.getOrDefault(task, Set.of()).size();
    }
    store.taskFinished(run, task, status, durationMs, all, fromCache, exitCode, error, clock.instant());
    live.changed(run);
  }
}
