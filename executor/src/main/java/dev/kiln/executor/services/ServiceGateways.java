package dev.kiln.executor.services;

import dev.kiln.executor.engine.Gateway;
import dev.kiln.planner.PlannedService;
import java.util.Map;

/** Opens the gateway build a service runs in, with the service's filesystem and mounted directories solved. */
@FunctionalInterface
public interface ServiceGateways {
  /**
   * A gateway build holding a service's solved filesystem.
   *
   * @param rootRef the result id of the filesystem, to mount at /
   * @param mountRefs the result id of each mounted directory, by its destination
   * @param end ends the build and its session
   */
  record Opened(Gateway gateway, String rootRef, Map<String, String> mountRefs, Runnable end)
      implements AutoCloseable {
    public Opened {
      mountRefs = Map.copyOf(mountRefs);
    }

    @Override
    public void close() {
      end.run();
    }
  }

  /** Solves {@code service}'s filesystem in a new gateway build, as {@code task}'s progress; the caller closes it. */
  Opened open(String task, PlannedService service);
}
