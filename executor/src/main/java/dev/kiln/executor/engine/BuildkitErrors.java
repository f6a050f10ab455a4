package dev.kiln.executor.engine;

import dev.kiln.executor.EngineUnavailableException;
import dev.kiln.executor.SolveException;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place where the engine's gRPC errors become Kiln exceptions: a lost engine becomes
 * {@link EngineUnavailableException}, everything else a {@link SolveException} carrying the
 * failing step, and for a failed command its command line and exit code.
 */
final class BuildkitErrors {
  private static final Pattern EXIT_CODE = Pattern.compile("exit code: (\\d+)\\s*$");
  // BuildKit v0.8 says `executor failed running [sh -c exit 3]: exit code: 3`; since v0.10 it is
  // `process "sh -c exit 3" did not complete successfully: exit code: 3`.
  private static final Pattern COMMAND = Pattern.compile(
      "(?:executor failed running \\[(.*)\\]|process \"(.*)\" did not complete successfully): exit code: \\d+\\s*$",
      Pattern.DOTALL);

  private BuildkitErrors() {}

  /** Translates the error that ended a solve; {@code vertices} is its merged progress. */
  static RuntimeException fromSolve(StatusRuntimeException e, VertexLog vertices, EngineAddress address) {
    return fromSolve(e, vertices, address, null);
  }

  /** Like {@link #fromSolve(StatusRuntimeException, VertexLog, EngineAddress)}, on {@code connection}. */
  static RuntimeException fromSolve(StatusRuntimeException e, VertexLog vertices, BuildkitConnection connection) {
    return fromSolve(e, vertices, connection.address(), connection.dialFailure());
  }

  private static RuntimeException fromSolve(StatusRuntimeException e, VertexLog vertices, EngineAddress address,
      String dialFailure) {
    Status.Code code = e.getStatus().getCode();
    String description = e.getStatus().getDescription() == null
        ? code.toString() : e.getStatus().getDescription();
    if (code == Status.Code.UNAVAILABLE) {
      return unavailable("lost the BuildKit engine during the solve", address, e, dialFailure);
    }
    if (code == Status.Code.CANCELLED || Context.current().isCancelled()) {
      return new SolveException("the solve was cancelled", null, null, null, null, List.of(), true, null, e);
    }
    if (code == Status.Code.RESOURCE_EXHAUSTED && description.contains("message larger than max")) {
      // Docker up to 26.1 takes at most 4 MiB per gRPC message (buildkit-notes §4).
      return new SolveException("the engine refused a message as too large: " + description, null, null, null,
          null, List.of(), false,
          "large inline files in the pipeline make the definition big; copy them from a local directory "
              + "instead, or use Docker 27 or later (16 MiB) or buildkitd",
          e);
    }
    if (code == Status.Code.DEADLINE_EXCEEDED) {
      return new SolveException("the solve did not finish within its time limit", null, null, null, null,
          List.of(), false, "raise the task's timeout", e);
    }
    String failed = vertices.failed();
    String step = failed == null ? null : vertices.name(failed);
    List<String> tail = failed == null ? List.of() : vertices.tail(failed);
    // The vertex's own error is the most precise; the call's description wraps it in context.
    String reason = failed != null && vertices.error(failed) != null ? vertices.error(failed) : description;
    Integer exitCode = exitCode(reason);
    if (exitCode == null && reason != description) {
      exitCode = exitCode(description);
      reason = exitCode == null ? reason : description;
    }
    if (exitCode == null) {
      return new SolveException(step == null ? description : step + ": " + description, step, failed, null,
          null, tail, false, null, e);
    }
    String command = command(reason);
    String shown = command != null ? command : step;
    String message = "command failed with exit code " + exitCode + (shown == null ? "" : ": " + shown);
    return new SolveException(message, step, failed, command, exitCode, tail, false, null, e);
  }

  /** The engine's gRPC endpoint does not answer: what was tried and why, for the user. */
  static EngineUnavailableException unavailable(String message, EngineAddress address, StatusRuntimeException e,
      String dialFailure) {
    String why = dialFailure != null ? dialFailure
        : e.getStatus().getDescription() != null ? e.getStatus().getDescription() : e.getStatus().getCode().toString();
    return new EngineUnavailableException(message, List.of(address + ": " + why),
        "check that the engine is running and serves BuildKit (`kiln engine info`)", e);
  }

  /** The exit code in an engine error, or null when no command failed. */
  static Integer exitCode(String message) {
    Matcher m = EXIT_CODE.matcher(message.strip());
    return m.find() ? Integer.valueOf(m.group(1)) : null;
  }

  /** The failed command in an engine error, or null. */
  static String command(String message) {
    Matcher m = COMMAND.matcher(message.strip());
    if (!m.find()) {
      return null;
    }
    return m.group(1) != null ? m.group(1) : m.group(2);
  }
}
