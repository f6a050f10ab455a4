package dev.kiln.server;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runs waiting and going on: at most {@code concurrency} at once, oldest first. A newer push to
 * a branch (or a newer commit of a pull request) supersedes the older runs of it, when the server
 * says so: a queued one never starts, a running one is cancelled on the engine. Queued runs are in
 * the history, so a restarted server resumes them.
 */
final class RunQueue implements AutoCloseable {
  private final RunStore store;
  private final RunWorker worker;
  private final boolean cancelSuperseded;
  private final LiveRuns live;
  private final Clock clock;
  private final ExecutorService threads;
  // guarded by this: queued and running runs, oldest first
  private final Map<Long, Active> active = new LinkedHashMap<>();
  private boolean closed;

  private static final class Active {
    final RunRecord run;
    final Cancellation cancellation = new Cancellation();
    boolean started;

    Active(RunRecord run) {
      this.run = run;
    }
  }

  RunQueue(RunStore store, RunWorker worker, int concurrency, boolean cancelSuperseded, LiveRuns live, Clock clock) {
    this.store = store;
    this.worker = worker;
    this.cancelSuperseded = cancelSuperseded;
    this.live = live;
    this.clock = clock;
    AtomicInteger n = new AtomicInteger();
    this.threads = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        r -> {
          Thread t = new Thread(r, "kiln-run-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** Queues run {@code id} (which the history holds as queued), superseding older runs of its branch. */
  void submit(long id) {
    RunRecord run = store.run(id).orElseThrow();
    Active entry = new Active(run);
    List<Active> superseded = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return; // stays queued in the history: the next start resumes it
      }
      if (cancelSuperseded) {
        for (Active older : active.values()) {
          if (older.run.id() < id && sameLine(older.run, run)) {
            superseded.add(older);
          }
        }
      }
      active.put(id, entry);
    }
    superseded.forEach(older -> cancel(older, "superseded by run " + id));
    threads.execute(() -> start(entry));
  }

  /** Runs the same line of work: pushes to one branch, or commits of one pull request. */
  private static boolean sameLine(RunRecord a, RunRecord b) {
    if (!a.source().equals(b.source()) || !a.event().equals(b.event())) {
      return false;
    }
    return switch (a.event()) {
      case "push" -> a.branch().equals(b.branch());
      case "pull_request" -> Objects.equals(a.pullRequest(), b.pullRequest());
      default -> false;
    };
  }

  private void cancel(Active entry, String reason) {
    boolean queued;
    synchronized (this) {
      queued = !entry.started && active.remove(entry.run.id()) != null;
    }
    entry.cancellation.cancel(reason);
    if (queued) {
      store.finished(entry.run.id(), RunStatus.CANCELLED, RunOutcome.CANCELLED, reason, clock.instant());
      live.forget(entry.run.id());
    }
  }

  private void start(Active entry) {
    synchronized (this) {
      if (closed || !active.containsKey(entry.run.id())) {
        return; // superseded while queued, or the server is stopping (then it stays queued)
      }
      entry.started = true;
    }
    try {
      worker.execute(entry.run.id(), entry.cancellation);
    } finally {
      synchronized (this) {
        active.remove(entry.run.id());
        notifyAll();
      }
    }
  }

  /** How many runs are queued and how many running. */
  synchronized int[] sizes() {
    int running = (int) active.values().stream().filter(a -> a.started).count();
    return new int[] {active.size() - running, running};
  }

  /**
   * Stops: queued runs stay queued in the history, running ones are cancelled on the engine, and
   * this waits up to {@code waitMillis} for them to end.
   */
  void close(long waitMillis) {
    List<Active> running = new ArrayList<>();
    synchronized (this) {
      closed = true;
      active.values().stream().filter(a -> a.started).forEach(running::add);
    }
    running.forEach(a -> a.cancellation.cancel("the server stopped"));
    threads.shutdown();
    try {
      threads.awaitTermination(waitMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    close(30_000);
  }
}
