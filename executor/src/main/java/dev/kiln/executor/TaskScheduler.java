package dev.kiln.executor;

import dev.kiln.model.KilnException;
import dev.kiln.planner.PlannedTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a plan's tasks on worker threads: a task once every task it depends on has succeeded, at
 * most {@code parallel} at a time, in plan order among those ready. A failure cancels the running
 * tasks and starts no more, unless {@code keepGoing}: then only the tasks that depend on a failed
 * one are skipped. {@link #cancel} (Ctrl-C) stops a run from any thread. One scheduler runs one plan.
 */
final class TaskScheduler {
  /** One task's work, done on a worker thread; what the scheduler knows of a run besides the graph. */
  interface TaskExecution {
    /**
     * Does {@code task}'s work: SUCCEEDED, FAILED or CANCELLED. The thread is interrupted when the
     * task is cancelled.
     *
     * @throws KilnException other than {@link SolveException}, to end the whole run with it (for
     *     example the engine was lost)
     */
    TaskOutcome execute(PlannedTask task);

    /**
     * Hears how a task ended, on the scheduling thread, before any task that depends on it starts;
     * once for every task, including those cancelled or skipped without starting.
     */
    default void finished(TaskOutcome outcome) {}
  }

  private final int parallel;
  private final boolean keepGoing;
  private final AtomicBoolean started = new AtomicBoolean();
  /** The running tasks, by future; guarded by itself, like {@link #cancelled}. */
  private final Map<Future<TaskOutcome>, Integer> running = new LinkedHashMap<>();
  /** When each task started (System.nanoTime), so that a cancelled one says how long it ran; guarded by running. */
  private final Map<Integer, Long> startedAt = new HashMap<>();
  private boolean cancelled;

  TaskScheduler(int parallel, boolean keepGoing) {
    if (parallel < 1) {
      throw new IllegalArgumentException("parallel must be at least 1: " + parallel);
    }
    this.parallel = parallel;
    this.keepGoing = keepGoing;
  }

  /** Stops the run: running tasks are cancelled (their threads interrupted), no task starts after. */
  void cancel() {
    synchronized (running) {
      cancelled = true;
      running.keySet().forEach(f -> f.cancel(true));
    }
  }

  /** Whether {@link #cancel} was called. */
  boolean cancelled() {
    synchronized (running) {
      return cancelled;
    }
  }

  /**
   * Runs {@code tasks} (in a valid order: dependencies first) and returns how each ended, in their
   * order. A dependency that is not among {@code tasks} never succeeds here, so its dependents are
   * skipped.
   *
   * @throws IllegalStateException on a second call: make a scheduler per run
   * @throws KilnException what a task's execution threw to end the run
   */
  RunReport run(List<PlannedTask> tasks, TaskExecution execution) {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("a TaskScheduler runs one plan; make a new one for another run");
    }
    Graph graph = new Graph(tasks);
    TaskOutcome[] outcomes = new TaskOutcome[tasks.size()];
    ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
      Thread t = new Thread(r, "kiln-task");
      t.setDaemon(true);
      return t;
    });
    ExecutorCompletionService<TaskOutcome> done = new ExecutorCompletionService<>(pool);
    boolean stopping = false;
    boolean wasInterrupted = false;
    try {
      while (true) {
        while (!stopping && runningCount() < parallel && !graph.ready.isEmpty()) {
          if (!start(graph.ready.peek(), tasks, execution, done)) {
            break; // cancelled meanwhile
          }
          graph.ready.poll();
        }
        Future<TaskOutcome> f;
        synchronized (running) {
          if (running.isEmpty()) {
            break;
          }
        }
        try {
          f = done.take();
        } catch (InterruptedException e) {
          // Cancel everything, then keep collecting the (now cancelled) tasks; the flag is restored
          // at the end, since setting it here would make every further take() throw at once.
          cancel();
          wasInterrupted = true;
          stopping = true;
          continue;
        }
        int i;
        synchronized (running) {
          i = running.remove(f);
        }
        TaskOutcome outcome = outcomeOf(f, tasks.get(i).name(), i);
        if (outcome.status() == TaskOutcome.Status.CANCELLED) {
          outcome = outcome.because(stopReason(outcomes));
        }
        outcomes[i] = outcome;
        execution.finished(outcome);
        if (outcome.status() == TaskOutcome.Status.SUCCEEDED) {
          graph.succeeded(i);
        } else if (outcome.status() == TaskOutcome.Status.FAILED && !keepGoing) {
          stopping = true;
          synchronized (running) {
            running.keySet().forEach(r -> r.cancel(true));
          }
        }
      }
    } finally {
      pool.shutdownNow();
      if (wasInterrupted) {
        Thread.currentThread().interrupt();
      }
    }
    List<TaskOutcome> all = new ArrayList<>();
    Set<Integer> notStarted = new HashSet<>(graph.ready);
    for (int i = 0; i < tasks.size(); i++) {
      if (outcomes[i] == null) {
        // Ready when the run stopped: cancelled before it started; else a dependency did not succeed.
        boolean cancelledBeforeStart = notStarted.contains(i);
        outcomes[i] = new TaskOutcome(tasks.get(i).name(), cancelledBeforeStart ? TaskOutcome.Status.CANCELLED
            : TaskOutcome.Status.SKIPPED, Duration.ZERO, false, null)
            .because(cancelledBeforeStart ? stopReason(outcomes) : blockedBy(tasks, i, outcomes));
        execution.finished(outcomes[i]);
      }
      all.add(outcomes[i]);
    }
    return new RunReport(all, cancelled());
  }

  /** Why tasks were stopped: Ctrl-C, or the first failure (without --keep-going). */
  private String stopReason(TaskOutcome[] outcomes) {
    if (cancelled()) {
      return "the run was interrupted";
    }
    for (TaskOutcome o : outcomes) {
      if (o != null && o.status() == TaskOutcome.Status.FAILED) {
        return "task " + o.task() + " failed";
      }
    }
    return "the run was stopped";
  }

  /** Which of task {@code i}'s dependencies did not succeed, and how each ended. */
  private static String blockedBy(List<PlannedTask> tasks, int i, TaskOutcome[] outcomes) {
    Map<String, TaskOutcome> byName = new HashMap<>();
    for (TaskOutcome o : outcomes) {
      if (o != null) {
        byName.put(o.task(), o);
      }
    }
    List<String> blocking = new ArrayList<>();
    for (String dependency : tasks.get(i).dependsOn()) {
      TaskOutcome o = byName.get(dependency);
      if (o == null) {
        blocking.add(dependency + " (not in this run)");
      } else if (o.status() != TaskOutcome.Status.SUCCEEDED) {
        blocking.add(dependency + " (" + o.status().name().toLowerCase(Locale.ROOT) + ")");
      }
    }
    return "needs " + String.join(", ", blocking);
  }

  private int runningCount() {
    synchronized (running) {
      return running.size();
    }
  }

  /** Starts task {@code i} unless the run was cancelled (checked under the lock {@link #cancel} takes). */
  private boolean start(int i, List<PlannedTask> tasks, TaskExecution execution,
      ExecutorCompletionService<TaskOutcome> done) {
    synchronized (running) {
      if (cancelled) {
        return false;
      }
      PlannedTask task = tasks.get(i);
      startedAt.put(i, System.nanoTime());
      running.put(done.submit(() -> execution.execute(task)), i);
      return true;
    }
  }

  private TaskOutcome outcomeOf(Future<TaskOutcome> f, String name, int i) {
    try {
      return f.get();
    } catch (CancellationException e) {
      long started;
      synchronized (running) {
        started = startedAt.getOrDefault(i, System.nanoTime());
      }
      return new TaskOutcome(name, TaskOutcome.Status.CANCELLED, Duration.ofNanos(System.nanoTime() - started), false,
          null);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof KilnException ke && !(ke instanceof SolveException)) {
        throw ke;
      }
      throw new IllegalStateException("task " + name + " failed unexpectedly", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new TaskOutcome(name, TaskOutcome.Status.CANCELLED, Duration.ZERO, false, null);
    }
  }

  /** The tasks' dependencies as counts and edges, walked without recursion. */
  private static final class Graph {
    /** Per task, how many of its dependencies have not succeeded yet. */
    private final int[] waiting;
    /** Per task, the tasks that depend on it. */
    private final List<List<Integer>> dependents = new ArrayList<>();
    /** Tasks whose dependencies all succeeded and that have not started, in plan order. */
    private final PriorityQueue<Integer> ready = new PriorityQueue<>();

    Graph(List<PlannedTask> tasks) {
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < tasks.size(); i++) {
        index.put(tasks.get(i).name(), i);
        dependents.add(new ArrayList<>());
      }
      waiting = new int[tasks.size()];
      for (int i = 0; i < tasks.size(); i++) {
        for (String dep : new LinkedHashSet<>(tasks.get(i).dependsOn())) {
          waiting[i]++;
          Integer d = index.get(dep);
          if (d != null) {
            dependents.get(d).add(i);
          }
        }
        if (waiting[i] == 0) {
          ready.add(i);
        }
      }
    }

    void succeeded(int task) {
      for (int d : dependents.get(task)) {
        if (--waiting[d] == 0) {
          ready.add(d);
        }
      }
    }
  }
}
