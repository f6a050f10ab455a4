package dev.kiln.executor.services;

import dev.kiln.model.KilnException;
import java.util.List;

/**
 * A service a step binds could not be used: the engine cannot run it, it exited, or it was not
 * healthy in time. Names the service and carries its last lines of output.
 */
public final class ServiceException extends KilnException {
  /** What went wrong. */
  public enum Kind {
    /** The engine cannot run services, or not isolated from other runs. */
    UNSUPPORTED,
    /** Its process ended before it was healthy. */
    EXITED,
    /** Its healthcheck did not pass within its timeout. */
    UNHEALTHY
  }

  private final Kind kind;
  private final String service;
  private final List<String> log;

  ServiceException(Kind kind, String service, String message, String hint, List<String> log, Throwable cause) {
    super(message, hint, cause);
    this.kind = kind;
    this.service = service;
    this.log = List.copyOf(log);
  }

  public Kind kind() {
    return kind;
  }

  /** The host name the service was bound as. */
  public String service() {
    return service;
  }

  /** Its last lines of output, oldest first. */
  public List<String> log() {
    return log;
  }
}
