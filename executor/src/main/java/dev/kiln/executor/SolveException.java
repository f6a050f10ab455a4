package dev.kiln.executor;

import dev.kiln.model.KilnException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A solve failed on the engine: a step's command exited non-zero, the engine rejected the graph,
 * or the solve was cancelled ({@link #cancelled()}).
 */
public final class SolveException extends KilnException {
  private final String step;
  private final String vertexDigest;
  private final String command;
  private final Integer exitCode;
  private final List<String> logTail;
  private final boolean cancelled;

  /** A failure without a known vertex digest or command. */
  public SolveException(String message, String step, Integer exitCode, List<String> logTail, String hint,
      Throwable cause) {
    this(message, step, null, null, exitCode, logTail, false, hint, cause);
  }

  /**
   * A failure with everything the engine told.
   *
   * @param step the failing vertex's name, or null
   * @param vertexDigest the failing vertex's digest, or null
   * @param command the command of a failed exec, or null
   * @param exitCode the exit code of a failed exec, or null
   * @param cancelled whether the solve ended because it was cancelled (Ctrl-C, a deadline)
   */
  public SolveException(String message, String step, String vertexDigest, String command, Integer exitCode,
      List<String> logTail, boolean cancelled, String hint, Throwable cause) {
    super(message, hint, cause);
    this.step = step;
    this.vertexDigest = vertexDigest;
    this.command = command;
    this.exitCode = exitCode;
    this.logTail = List.copyOf(logTail);
    this.cancelled = cancelled;
  }

  /**
   * This failure with {@code mask} applied to its texts (message, step, command, each line of its
   * output, hint). The cause is left out: its message may hold what was masked.
   */
  public SolveException masked(java.util.function.UnaryOperator<String> mask) {
    SolveException copy = new SolveException(mask.apply(getMessage()), step == null ? null : mask.apply(step),
        vertexDigest, command == null ? null : mask.apply(command), exitCode,
        logTail.stream().map(mask).toList(), cancelled, hint().map(mask).orElse(null), null);
    copy.setStackTrace(getStackTrace());
    return copy;
  }

  /** The name of the failing step (vertex), when the engine reported one. */
  public Optional<String> step() {
    return Optional.ofNullable(step);
  }

  /** The digest of the failing vertex, when the engine reported one. */
  public Optional<String> vertexDigest() {
    return Optional.ofNullable(vertexDigest);
  }

  /** The command that failed, as the engine printed it, when a command failed. */
  public Optional<String> command() {
    return Optional.ofNullable(command);
  }

  /** The exit code of the failing command, when a command failed. */
  public OptionalInt exitCode() {
    return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
  }

  /** The last lines the failing step printed. */
  public List<String> logTail() {
    return logTail;
  }

  /** Whether the solve was cancelled rather than failed. */
  public boolean cancelled() {
    return cancelled;
  }
}
