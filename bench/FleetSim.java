import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A small discrete-event simulation of a Kiln engine fleet for docs/scale-out.md: a team's pipeline
 * runs arrive over working days, each run's tasks are routed to engines (sticky: weighted rendezvous
 * on (project, task), next-ranked engine when full, as Kiln does; or random among engines with a
 * free slot, as buildx's loadbalance=random), run in the engines' slots, and hit or miss the
 * engine's LRU build cache; a miss may be served by the fleet's registry cache (mode=max) instead
 * of running cold. It prints, per fleet size and policy, the cache-hit rates, run times, queueing
 * and load (slot-seconds of work over the slots of the working day: above 100% the backlog runs into
 * the evening). The model, not Kiln, is simulated: see docs/scale-out.md for its assumptions.
 *
 * <p>Run: {@code java bench/FleetSim.java [seed]} (Java 17+; about 10 s).
 */
public final class FleetSim {
  // The team (docs/scale-out.md): 50 developers, 500 runs a day, 25 projects of 6 tasks.
  static final int RUNS_PER_DAY = 500;
  static final int PROJECTS = 25;
  static final int TASKS = 6; // 5 independent, then one that depends on all of them
  static final double WORKDAY_S = 10 * 3600; // runs arrive over 10 hours
  static final int DAYS = 5; // the first day warms the caches and is not counted
  static final double CHANGED = 0.35; // probability that one run changed a task's inputs
  static final double COLD_MEDIAN_S = 120, COLD_SIGMA = 0.8; // lognormal cold task time
  static final double CACHED_S = 3; // a fully cached task (resolve, check, export)
  static final double PULL_FRACTION = 0.15; // a registry hit: pull layers, ~15% of the cold time
  static final double ENTRY_GB = 1.5; // cache one task version holds on an engine
  static final double ENGINE_CACHE_GB = 150; // each engine's cache budget (buildkitd gc keepStorage)
  static final int SLOTS = 4; // maxSolves per engine (4 vCPU / 8 GiB per engine, one solve per vCPU)

  enum Policy { STICKY, RANDOM }

  record Result(int engines, Policy policy, boolean registry, double localHit, double anyHit, double meanRun,
      double p95Run, double p95Wait, double utilisation) {}

  public static void main(String[] args) throws Exception {
    long seed = args.length > 0 ? Long.parseLong(args[0]) : 42;
    System.out.printf(Locale.ROOT, "fleet simulation: %d runs/day over %.0f h, %d projects x %d tasks, %d days"
        + " (first not counted), seed %d%n", RUNS_PER_DAY, WORKDAY_S / 3600, PROJECTS, TASKS, DAYS, seed);
    System.out.printf(Locale.ROOT, "task: cold lognormal median %.0f s sigma %.1f, cached %.0f s, registry hit"
        + " +%.0f%% of cold; inputs changed per run %.0f%%; %d slots and %.0f GB cache per engine (%.1f GB per"
        + " task version)%n%n", COLD_MEDIAN_S, COLD_SIGMA, CACHED_S, PULL_FRACTION * 100, CHANGED * 100, SLOTS,
        ENGINE_CACHE_GB, ENTRY_GB);
    System.out.printf("%-7s %-7s %-8s %9s %9s %9s %9s %9s %6s%n", "engines", "routing", "registry", "local-hit",
        "any-hit", "mean-run", "p95-run", "p95-wait", "load");
    for (int engines : new int[] {1, 2, 3, 4, 6, 8}) {
      for (Policy policy : Policy.values()) {
        for (boolean registry : new boolean[] {false, true}) {
          if (engines == 1 && policy == Policy.RANDOM) {
            continue; // one engine: routing makes no difference
          }
          Result r = new FleetSim(engines, policy, registry, seed).run();
          System.out.printf(Locale.ROOT, "%-7d %-7s %-8s %8.1f%% %8.1f%% %8.0fs %8.0fs %8.0fs %5.0f%%%n", r.engines,
              r.policy.name().toLowerCase(Locale.ROOT), registry ? "max" : "none", r.localHit * 100, r.anyHit * 100,
              r.meanRun, r.p95Run, r.p95Wait, r.utilisation * 100);
        }
      }
    }
  }

  // --- one simulation -------------------------------------------------------------------------

  private final int engineCount;
  private final Policy policy;
  private final boolean registry;
  private final Random random;
  private final Engine[] engines;
  /** The current version of each (project, task), and which versions the registry holds. */
  private final int[][] version = new int[PROJECTS][TASKS];
  private final Map<String, Boolean> registryHas = new HashMap<>();
  /** Each (project, task)'s cold time: a property of the task, drawn once. */
  private final double[][] coldTime = new double[PROJECTS][TASKS];
  private final PriorityQueue<Event> events = new PriorityQueue<>(Comparator.comparingDouble(Event::time));
  private final Deque<Job> waiting = new ArrayDeque<>();
  private long localHits, registryHits, counted;
  private double busy;
  private final List<Double> runTimes = new ArrayList<>();
  private final List<Double> waits = new ArrayList<>();

  FleetSim(int engineCount, Policy policy, boolean registry, long seed) {
    this.engineCount = engineCount;
    this.policy = policy;
    this.registry = registry;
    this.random = new Random(seed);
    this.engines = new Engine[engineCount];
    for (int i = 0; i < engineCount; i++) {
      engines[i] = new Engine("e" + (i + 1));
    }
    Random tasks = new Random(seed * 31 + 7);
    for (double[] row : coldTime) {
      for (int t = 0; t < TASKS; t++) {
        row[t] = COLD_MEDIAN_S * Math.exp(COLD_SIGMA * tasks.nextGaussian());
      }
    }
  }

  /** An engine: its slots and its LRU cache of task versions. */
  static final class Engine {
    final String name;
    int running;
    final LinkedHashMap<String, Boolean> cache = new LinkedHashMap<>(16, 0.75f, true);

    Engine(String name) {
      this.name = name;
    }

    boolean has(String entry) {
      return cache.get(entry) != null;
    }

    void keep(String entry) {
      cache.put(entry, true);
      while (cache.size() * ENTRY_GB > ENGINE_CACHE_GB) {
        cache.remove(cache.keySet().iterator().next());
      }
    }
  }

  /** A run of a project's pipeline. */
  final class Run {
    final int project;
    final double arrived;
    final boolean counted;
    int done;
    int independentDone;

    Run(int project, double arrived, boolean counted) {
      this.project = project;
      this.arrived = arrived;
      this.counted = counted;
    }
  }

  record Job(Run run, int task, double ready) {}

  record Event(double time, Runnable action) {}

  Result run() {
    double[] weights = new double[PROJECTS];
    double total = 0;
    for (int p = 0; p < PROJECTS; p++) {
      weights[p] = 1.0 / (p + 1); // a few busy projects, a long tail (Zipf)
      total += weights[p];
    }
    for (int day = 0; day < DAYS; day++) {
      double t = day * 86400.0;
      double end = t + WORKDAY_S;
      while (true) {
        t += -Math.log(1 - random.nextDouble()) * WORKDAY_S / RUNS_PER_DAY;
        if (t > end) {
          break;
        }
        double pick = random.nextDouble() * total;
        int project = 0;
        while (pick > weights[project]) {
          pick -= weights[project];
          project++;
        }
        Run run = new Run(project, t, day > 0);
        events.add(new Event(t, () -> start(run)));
      }
    }
    double first = 86400.0;
    double last = 0;
    while (!events.isEmpty()) {
      Event e = events.poll();
      now = e.time();
      last = Math.max(last, now);
      e.action().run();
    }
    double[] runs = runTimes.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double[] ws = waits.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double capacity = engineCount * SLOTS * (DAYS - 1) * WORKDAY_S;
    return new Result(engineCount, policy, registry, (double) localHits / counted,
        (double) (localHits + registryHits) / counted, Arrays.stream(runs).average().orElse(0), percentile(runs, 0.95),
        percentile(ws, 0.95), busy / capacity);
  }

  private double now;

  private void start(Run run) {
    for (int t = 0; t < TASKS; t++) {
      if (random.nextDouble() < CHANGED) {
        version[run.project][t]++;
      }
    }
    for (int t = 0; t < TASKS - 1; t++) {
      submit(new Job(run, t, now));
    }
  }

  private void submit(Job job) {
    waiting.addLast(job);
    dispatch();
  }

  /** Starts what waits, in arrival order, on an engine with a free slot the policy picks. */
  private void dispatch() {
    for (var it = waiting.iterator(); it.hasNext(); ) {
      Job job = it.next();
      Engine e = choose(job);
      if (e == null) {
        continue;
      }
      it.remove();
      execute(job, e);
    }
  }

  private Engine choose(Job job) {
    if (policy == Policy.STICKY) {
      for (Engine e : ranked(job.run.project, job.task)) {
        if (e.running < SLOTS) {
          return e;
        }
      }
      return null;
    }
    List<Engine> free = new ArrayList<>();
    for (Engine e : engines) {
      if (e.running < SLOTS) {
        free.add(e);
      }
    }
    return free.isEmpty() ? null : free.get(random.nextInt(free.size()));
  }

  private final Map<String, Engine[]> ranks = new HashMap<>();

  /** Rendezvous ranking, equal weights (every engine has the same slots), as Kiln's Rendezvous. */
  private Engine[] ranked(int project, int task) {
    return ranks.computeIfAbsent(project + "/" + task, key -> {
      Engine[] out = engines.clone();
      Map<Engine, Double> score = new HashMap<>();
      for (Engine e : out) {
        score.put(e, -1 / Math.log(hash(key + "\u0000" + e.name)));
      }
      Arrays.sort(out, Comparator.comparingDouble((Engine e) -> -score.get(e)));
      return out;
    });
  }

  private void execute(Job job, Engine e) {
    int p = job.run.project;
    String entry = p + "/" + job.task + "@" + version[p][job.task];
    double cold = coldTime[p][job.task];
    double time;
    boolean local = e.has(entry);
    boolean remote = !local && registry && registryHas.containsKey(entry);
    if (local) {
      time = CACHED_S;
    } else if (remote) {
      time = CACHED_S + PULL_FRACTION * cold;
    } else {
      time = cold;
    }
    if (job.run.counted) {
      counted++;
      localHits += local ? 1 : 0;
      registryHits += remote ? 1 : 0;
      busy += time;
      waits.add(now - job.ready);
    }
    e.running++;
    events.add(new Event(now + time, () -> {
      e.running--;
      e.keep(entry);
      if (registry) {
        registryHas.put(entry, true);
      }
      finished(job);
      dispatch();
    }));
  }

  private void finished(Job job) {
    Run run = job.run;
    run.done++;
    if (job.task < TASKS - 1 && ++run.independentDone == TASKS - 1) {
      submit(new Job(run, TASKS - 1, now));
    }
    if (run.done == TASKS && run.counted) {
      runTimes.add(now - run.arrived);
    }
  }

  private static double percentile(double[] sorted, double q) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }

  /** A uniform number in (0, 1) from SHA-256. */
  private static double hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      long bits = 0;
      for (int i = 0; i < 8; i++) {
        bits = bits << 8 | (d[i] & 0xff);
      }
      return ((bits >>> 11) + 0.5) / (1L << 53);
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }
}
