package dev.kiln.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** When a {@link Service} is ready, waited for at most {@link #timeout()} from its start. */
public sealed interface Healthcheck {
  /** The schema's default timeout. */
  Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  /** How long to wait. */
  Duration timeout();

  /** Ready when a socket listens on {@code port} inside the service. */
  record Port(int port, Duration timeout) implements Healthcheck {
    public Port {
      Objects.requireNonNull(timeout, "timeout");
    }
  }

  /** Ready when {@code command}, run inside the service, exits 0. */
  record Command(List<String> command, Duration timeout) implements Healthcheck {
    public Command {
      command = List.copyOf(command);
      Objects.requireNonNull(timeout, "timeout");
    }
  }
}
