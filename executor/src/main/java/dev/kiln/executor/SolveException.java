package dev.kiln.executor;

import dev.kiln.model.KilnException;
import dev.kiln.model.SourceLocation;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;

/**
 * A solve failed on the engine: a step's command exited non-zero, the engine rejected the graph,
 * or the solve was cancelled ({@link #cancelled()}). Made by {@link #failed}, {@link #cancelled}
 * or, with what the engine told about the failing step, a {@link #builder}.
 */
public final class SolveException extends KilnException {
  private final String step;
  private final String vertexDigest;
  private final String command;
  private final Integer exitCode;
  private final List<String> logTail;
  private final boolean cancelled;
  private final SourceLocation location;
  private final Map<String, List<String>> serviceLogs;

  private SolveException(Builder b) {
    super(b.message, b.hint, b.cause);
    this.step = b.step;
    this.vertexDigest = b.vertexDigest;
    this.command = b.command;
    this.exitCode = b.exitCode;
    this.logTail = List.copyOf(b.logTail);
    this.cancelled = b.cancelled;
    this.location = b.location;
    this.serviceLogs = Collections.unmodifiableMap(new LinkedHashMap<>(b.serviceLogs));
  }

  /** A failure that is not about one step: {@code hint} and {@code cause} may be null. */
  public static SolveException failed(String message, String hint, Throwable cause) {
    return builder(message).setHint(hint).setCause(cause).build();
  }

  /** The solve ended because it was cancelled (Ctrl-C, a failing sibling task). */
  public static SolveException cancelled(String message, Throwable cause) {
    Builder b = builder(message).setCause(cause);
    b.cancelled = true;
    return b.build();
  }

  /** A builder for a failure with {@code message}; every other part is optional. */
  public static Builder builder(String message) {
    return new Builder(message);
  }

  /**
   * This failure with {@code mask} applied to its texts (message, step, command, each line of its
   * output, hint). The cause is left out: its message may hold what was masked.
   */
  public SolveException masked(UnaryOperator<String> mask) {
    return copy(toBuilder(mask));
  }

  /** This failure located at {@code at} (the Dockerfile line of the failing step); the cause is kept. */
  public SolveException at(SourceLocation at) {
    return copy(toBuilder(text -> text).setCause(getCause()).setLocation(at));
  }

  private Builder toBuilder(UnaryOperator<String> mask) {
    Builder b = builder(mask.apply(getMessage())).setStep(step == null ? null : mask.apply(step))
        .setVertexDigest(vertexDigest).setCommand(command == null ? null : mask.apply(command)).setExitCode(exitCode)
        .setLogTail(logTail.stream().map(mask).toList()).setHint(hint().map(mask).orElse(null))
        .setLocation(location);
    serviceLogs.forEach((name, lines) -> b.serviceLogs.put(name, lines.stream().map(mask).toList()));
    b.cancelled = cancelled;
    return b;
  }

  private SolveException copy(Builder b) {
    SolveException copy = b.build();
    copy.setStackTrace(getStackTrace());
    return copy;
  }

  /** Where the failing step is written, when a Dockerfile wrote it. */
  @Override
  public Optional<SourceLocation> location() {
    return Optional.ofNullable(location);
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

  /** The last lines of output of the services the failed task binds, by the name each was bound as. */
  public Map<String, List<String>> serviceLogs() {
    return serviceLogs;
  }

  /** This failure with the last lines of the services the task binds. */
  public SolveException withServiceLogs(Map<String, List<String>> logs) {
    Builder b = toBuilder(text -> text).setCause(getCause());
    b.serviceLogs.putAll(logs);
    return copy(b);
  }

  /** Whether the solve was cancelled rather than failed. */
  public boolean cancelled() {
    return cancelled;
  }

  /** Collects what the engine told about a failure; each {@code set*} replaces. */
  public static final class Builder {
    private final String message;
    private String step;
    private String vertexDigest;
    private String command;
    private Integer exitCode;
    private List<String> logTail = List.of();
    private boolean cancelled;
    private String hint;
    private Throwable cause;
    private SourceLocation location;
    private final Map<String, List<String>> serviceLogs = new LinkedHashMap<>();

    private Builder(String message) {
      this.message = Objects.requireNonNull(message, "message");
    }

    /** Sets the failing vertex's name, or null. */
    public Builder setStep(String step) {
      this.step = step;
      return this;
    }

    /** Sets the failing vertex's digest, or null. */
    public Builder setVertexDigest(String digest) {
      this.vertexDigest = digest;
      return this;
    }

    /** Sets the command of a failed exec, or null. */
    public Builder setCommand(String command) {
      this.command = command;
      return this;
    }

    /** Sets the exit code of a failed exec, or null. */
    public Builder setExitCode(Integer exitCode) {
      this.exitCode = exitCode;
      return this;
    }

    /** Sets the failing step's last lines of output. */
    public Builder setLogTail(List<String> lines) {
      this.logTail = List.copyOf(lines);
      return this;
    }

    /** Sets what the user can do about it, or null. */
    public Builder setHint(String hint) {
      this.hint = hint;
      return this;
    }

    /** Sets the underlying error, or null. */
    public Builder setCause(Throwable cause) {
      this.cause = cause;
      return this;
    }

    /** Sets where the failing step is written, or null. */
    public Builder setLocation(SourceLocation location) {
      this.location = location;
      return this;
    }

    /** The exception. */
    public SolveException build() {
      return new SolveException(this);
    }
  }
}
