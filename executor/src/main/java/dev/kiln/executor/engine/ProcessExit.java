package dev.kiln.executor.engine;

import java.util.Objects;

/**
 * How a {@link ContainerProcess} ended.
 *
 * @param code its exit status; {@value #UNKNOWN} when the engine could not tell (the process did
 *     not start, or the container was released under it)
 * @param error what the engine said went wrong, empty when the process just exited
 */
public record ProcessExit(int code, String error) {
  /** The code the engine gives when it does not know the exit status. */
  public static final int UNKNOWN = 255;

  public ProcessExit {
    Objects.requireNonNull(error, "error");
  }
}
