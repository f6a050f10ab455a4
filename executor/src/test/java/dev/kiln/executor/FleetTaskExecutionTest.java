package dev.kiln.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.executor.fleet.Rendezvous;
import dev.kiln.model.EngineFleet;
import dev.kiln.planner.PlannedTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FleetTaskExecutionTest {
  private static final EngineFleet.Engine A = new EngineFleet.Engine("a", "docker://", 2);
  private static final EngineFleet.Engine B = new EngineFleet.Engine("b", "docker:///tmp/b.sock", 2);

  /** Engines in-process: each run records where it ran; an engine in {@code dying} is lost under the task. */
  private static final class FakeEngines implements FleetTaskExecution.Engines {
    final Map<String, String> ranOn = new ConcurrentHashMap<>();
    final Set<String> dying = ConcurrentHashMap.newKeySet();
    final Set<String> down = ConcurrentHashMap.newKeySet();
    final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    final Map<String, Integer> peak = new ConcurrentHashMap<>();
    volatile CountDownLatch hold = new CountDownLatch(0);

    @Override
    public TaskOutcome run(EngineFleet.Engine engine, PlannedTask task) {
      int now = running.computeIfAbsent(engine.name(), n -> new AtomicInteger()).incrementAndGet();
      peak.merge(engine.name(), now, Math::max);
      try {
        if (dying.contains(engine.name())) {
          throw new EngineUnavailableException("the engine closed the connection", List.of(engine.address()), "", null);
        }
        hold.await(5, TimeUnit.SECONDS);
        ranOn.put(task.name(), engine.name());
        return new TaskOutcome(task.name(), TaskOutcome.Status.SUCCEEDED, Duration.ZERO, false, null);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      } finally {
        running.get(engine.name()).decrementAndGet();
      }
    }

    @Override
    public boolean isDown(EngineFleet.Engine engine) {
      return down.contains(engine.name());
    }

    @Override
    public void markDown(EngineFleet.Engine engine, String why) {
      down.add(engine.name());
    }

    @Override
    public void failedOver(PlannedTask task) {}

    @Override
    public EngineUnavailableException unavailable(String message) {
      return new EngineUnavailableException(message, List.of(), "", null);
    }

    @Override
    public void finished(TaskOutcome outcome) {}
  }

  private static final class Heard implements PlanRunner.Listener {
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void engine(String task, String engine) {
      lines.add(task + " on " + engine);
    }

    @Override
    public void warning(String task, String message) {
      lines.add(task + " warning: " + message);
    }
  }

  private static PlannedTask task(String name) {
    return new PlannedTask(name, "", List.of(), true, List.of(), new TreeSet<>(), new TreeSet<>());
  }

  private static EngineFleet.Engine preferred(String task) {
    return Rendezvous.rank(Rendezvous.key("proj", task), List.of(A, B)).get(0);
  }

  @Test
  void eachTaskRunsOnTheEngineItsKeyRanksFirstAndSaysSo() {
    FakeEngines engines = new FakeEngines();
    Heard heard = new Heard();
    FleetTaskExecution fleet = new FleetTaskExecution(List.of(A, B), engines, "proj", heard);
    for (int i = 0; i < 20; i++) {
      String t = "t" + i;
      assertEquals(TaskOutcome.Status.SUCCEEDED, fleet.execute(task(t)).status());
      assertEquals(preferred(t).name(), engines.ranOn.get(t));
      assertTrue(heard.lines.contains(t + " on " + preferred(t).name()), heard.lines.toString());
    }
    assertEquals(Set.of("a", "b"), Set.copyOf(engines.ranOn.values()), "20 keys use both engines");
  }

  @Test
  void aTaskWhoseEngineIsLostRunsAgainOnTheOtherAndTheOutputSaysWhy() {
    FakeEngines engines = new FakeEngines();
    Heard heard = new Heard();
    String t = "build";
    EngineFleet.Engine first = preferred(t);
    EngineFleet.Engine other = first == A ? B : A;
    engines.dying.add(first.name());
    TaskOutcome o = new FleetTaskExecution(List.of(A, B), engines, "proj", heard).execute(task(t));
    assertEquals(TaskOutcome.Status.SUCCEEDED, o.status());
    assertEquals(other.name(), engines.ranOn.get(t));
    assertEquals(List.of(t + " on " + first.name(),
        t + " warning: engine " + first.name() + " (" + first.address() + ") failed: the engine closed the connection; "
            + "tried " + first.address() + "; the task runs again on another engine",
        t + " on " + other.name()), heard.lines);
    assertTrue(engines.down.contains(first.name()));
  }

  @Test
  void withEveryEngineLostTheRunEndsAsEngineUnavailable() {
    FakeEngines engines = new FakeEngines();
    engines.dying.addAll(Set.of("a", "b"));
    FleetTaskExecution fleet = new FleetTaskExecution(List.of(A, B), engines, "proj", new Heard());
    EngineUnavailableException e = assertThrows(EngineUnavailableException.class, () -> fleet.execute(task("x")));
    assertTrue(e.getMessage().contains("no engine of the fleet is left"), e.getMessage());
  }

  @Test
  void noEngineRunsMoreThanItsLimitAndAFullEngineSpillsToTheNext() throws Exception {
    FakeEngines engines = new FakeEngines();
    engines.hold = new CountDownLatch(1);
    Heard heard = new Heard();
    FleetTaskExecution fleet = new FleetTaskExecution(List.of(A, B), engines, "proj", heard);
    // six tasks that all prefer the same engine: two run there, two spill to the other, two wait
    List<String> same = new ArrayList<>();
    for (int i = 0; same.size() < 6; i++) {
      if (preferred("t" + i) == A) {
        same.add("t" + i);
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<TaskOutcome>> fs = new ArrayList<>();
      for (String t : same) {
        fs.add(pool.submit(() -> fleet.execute(task(t))));
      }
      Thread.sleep(300);
      engines.hold.countDown();
      for (Future<TaskOutcome> f : fs) {
        assertEquals(TaskOutcome.Status.SUCCEEDED, f.get(10, TimeUnit.SECONDS).status());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(2, engines.peak.get("a"));
    assertEquals(2, engines.peak.get("b"));
    assertTrue(heard.lines.stream().anyMatch(l -> l.endsWith("on b (a, which it prefers, is at its limit of 2)")),
        heard.lines.toString());
  }
}
