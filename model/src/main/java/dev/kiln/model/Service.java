package dev.kiln.model;

import java.util.List;
import java.util.Objects;

/**
 * A container run beside the steps that bind it ({@link ContainerOp.WithServiceBinding}); its
 * entrypoint and default arguments are its command.
 *
 * @param ports the TCP ports it serves
 * @param healthcheck when it is ready, or null to wait for the first port (or for nothing without ports)
 */
public record Service(Container container, List<Integer> ports, Healthcheck healthcheck) {
  public Service {
    Objects.requireNonNull(container, "container");
    ports = List.copyOf(ports);
  }

  /** The check Kiln waits for: the given one, else the first port accepting, else none (null). */
  public Healthcheck effectiveHealthcheck() {
    if (healthcheck != null || ports.isEmpty()) {
      return healthcheck;
    }
    return new Healthcheck.Port(ports.get(0), Healthcheck.DEFAULT_TIMEOUT);
  }
}
