package dev.kiln.executor;

import dev.kiln.evaluator.KilnException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** A solve failed on the engine: a step's command exited non-zero, or the engine rejected the graph. */
public final class SolveException extends KilnException {
  private final String step;
  private final Integer exitCode;
  private final List<String> logTail;

  public SolveException(String message, String step, Integer exitCode, List<String> logTail, String hint,
      Throwable cause) {
    super(message, hint, cause);
    this.step = step;
    this.exitCode = exitCode;
    this.logTail = List.copyOf(logTail);
  }

  /** The name of the failing step (vertex), when the engine reported one. */
  public Optional<String> step() {
    return Optional.ofNullable(step);
  }

  /** The exit code of the failing command, when a command failed. */
  public OptionalInt exitCode() {
    return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
  }

  /** The last lines the failing step printed. */
  public List<String> logTail() {
    return logTail;
  }
}
