package dev.kiln.executor;

import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.executor.proto.control.Vertex;
import dev.kiln.planner.llb.Definition;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which step of each task the engine is running, from the status stream: what a timed-out task
 * names as the step it stopped in.
 */
final class RunningSteps implements PlanRunner.Listener {
  /** A step that started: its name and when. */
  record Step(String name, Instant started) {
    /** How long it had been running at {@code now}. */
    Duration ranFor(Instant now) {
      return Duration.between(started, now);
    }
  }

  /** Per task, the started and not yet completed steps by vertex digest, in start order. */
  private final Map<String, Map<String, Step>> running = new ConcurrentHashMap<>();

  @Override
  public void status(String task, Definition definition, StatusResponse update) {
    Map<String, Step> steps = running.computeIfAbsent(task, t -> new LinkedHashMap<>());
    synchronized (steps) {
      for (Vertex v : update.getVertexesList()) {
        if (v.hasCompleted()) {
          steps.remove(v.getDigest());
        } else if (v.hasStarted()) {
          steps.putIfAbsent(v.getDigest(), new Step(v.getName(),
              Instant.ofEpochSecond(v.getStarted().getSeconds(), v.getStarted().getNanos())));
        }
      }
    }
  }

  /** The step of {@code task} that started last and has not completed, if any. */
  Optional<Step> latest(String task) {
    Map<String, Step> steps = running.get(task);
    if (steps == null) {
      return Optional.empty();
    }
    synchronized (steps) {
      return steps.values().stream().reduce((a, b) -> b);
    }
  }

  /** Forgets {@code task}'s steps, before it runs again. */
  void forget(String task) {
    running.remove(task);
  }
}
