package dev.kiln.executor.services;

import dev.kiln.executor.engine.Gateway;
import dev.kiln.planner.PlannedService;

/** Opens the gateway build a service runs in, with the service's filesystem solved. */
@FunctionalInterface
public interface ServiceGateways {
  /**
   * A gateway build holding a service's solved filesystem.
   *
   * @param rootRef the result id of the filesystem, to mount at /
   * @param end ends the build and its session
   */
  record Opened(Gateway gateway, String rootRef, Runnable end) implements AutoCloseable {
    @Override
    public void close() {
      end.run();
    }
  }

  /** Solves {@code service}'s filesystem in a new gateway build, as {@code task}'s progress; the caller closes it. */
  Opened open(String task, PlannedService service);
}
