package dev.kiln.executor.engine;

import dev.kiln.executor.CancelledException;
import dev.kiln.executor.EngineException;
import dev.kiln.executor.EngineUnavailableException;
import dev.kiln.executor.SolveException;
import dev.kiln.executor.auth.DockerCredentials;
import dev.kiln.executor.auth.RegistryAuthFailure;
import dev.kiln.model.KilnException;
import dev.kiln.planner.llb.ImageRef;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place where the engine's gRPC errors become Kiln exceptions. A lost, unreachable or
 * silent engine (UNAVAILABLE, DEADLINE_EXCEEDED) is an {@link EngineUnavailableException}; a
 * cancelled call is a cancelled {@link SolveException} during a solve and a {@link
 * CancelledException} otherwise; anything else is a {@link SolveException} naming the failing step,
 * and for a failed command its command line and exit code, or for calls outside a solve an {@link
 * EngineException}. What the failure was is read from the status details ({@link
 * EngineErrorDetails}) where the engine sends them, else from the solve's progress ({@link
 * VertexLog}) and, last, the message text, which is all Docker 20.10 sends. A registry that turned
 * the engine down for its credentials (a pull, an image resolution, a registry cache, a push) is
 * said as a {@link RegistryAuthFailure}: which registry, and whether its credential was refused or
 * there was none.
 */
final class BuildkitErrors {
  private static final Pattern EXIT_CODE = Pattern.compile("exit code: (\\d+)\\s*$");
  // BuildKit v0.8 says `executor failed running [sh -c exit 3]: exit code: 3`; since v0.10 it is
  // `process "sh -c exit 3" did not complete successfully: exit code: 3`.
  private static final Pattern COMMAND = Pattern.compile(
      "(?:executor failed running \\[(.*)\\]|process \"(.*)\" did not complete successfully): exit code: \\d+\\s*$",
      Pattern.DOTALL);
  private static final String UNREACHABLE_HINT = "check that the engine is running and serves BuildKit"
      + " (`kiln engine info`)";
  private static final String STALLED_HINT = "the engine's process may be stopped (SIGSTOP), deadlocked or out of"
      + " memory: check it with `kiln engine info` and its logs";

  private BuildkitErrors() {}

  /**
   * Runs {@code rpc}, a call outside a solve, and translates its gRPC error.
   *
   * @param what the call, as the user would name it (for example {@code reading the engine's disk usage})
   */
  static <T> T call(BuildkitConnection connection, String what, Supplier<T> rpc) {
    return call(connection, what, null, rpc);
  }

  /** Like {@link #call(BuildkitConnection, String, Supplier)}; {@code hint} goes with an engine error. */
  static <T> T call(BuildkitConnection connection, String what, String hint, Supplier<T> rpc) {
    try {
      return rpc.get();
    } catch (StatusRuntimeException e) {
      checkNotStalled(connection, e);
      throw fromCall(e, what, hint, connection.address(), connection.dialFailure());
    }
  }

  /**
   * Every call that fails once the {@link StallWatch} has cut off a stalled engine fails for that
   * reason, whatever gRPC says (the cut closes the connection under the calls).
   *
   * @throws EngineUnavailableException when {@code connection}'s engine was found stalled
   */
  static void checkNotStalled(BuildkitConnection connection) {
    checkNotStalled(connection, null);
  }

  private static void checkNotStalled(BuildkitConnection connection, Throwable cause) {
    String stalled = connection.stalled();
    if (stalled != null) {
      throw new EngineUnavailableException(stalled, List.of(connection.address().toString()), STALLED_HINT, cause);
    }
  }

  /** The error of a call outside a solve; {@code what} names the call, {@code hint} may be null. */
  static KilnException fromCall(StatusRuntimeException e, String what, String hint, EngineAddress address,
      String dialFailure) {
    KilnException lost = lostOrCancelled(e, what, address, dialFailure, false);
    return lost != null ? lost : new EngineException(what + " failed: " + description(e), hint, e);
  }

  /**
   * Runs {@code rpc}, which resolves {@code imageRef}, and translates its gRPC error: Docker's
   * configuration that could not answer for the image's registry, a registry that turned the engine
   * down for its credentials ({@code registries} say which way), or anything else the engine said.
   */
  static <T> T resolving(BuildkitConnection connection, String imageRef, DockerCredentials registries,
      Supplier<T> rpc) {
    try {
      return rpc.get();
    } catch (StatusRuntimeException e) {
      checkNotStalled(connection, e);
      throw fromResolve(e, imageRef, registries, connection.address(), connection.dialFailure());
    }
  }

  /** The error of resolving {@code imageRef}; {@code dialFailure} may be null. */
  static KilnException fromResolve(StatusRuntimeException e, String imageRef, DockerCredentials registries,
      EngineAddress address, String dialFailure) {
    String what = "resolving image " + imageRef;
    KilnException lost = lostOrCancelled(e, what, address, dialFailure, false);
    if (lost != null) {
      return lost;
    }
    String registry = ImageRef.parse(imageRef).domain();
    if (registries.answered(registry).orElse(null) instanceof DockerCredentials.Lookup.Failed f) {
      return f.error(); // the engine asked, and Docker's configuration could not answer
    }
    return RegistryAuthFailure.in(description(e), registry, registries)
        .<KilnException>map(a -> new EngineException(what + " failed: " + a.message(), a.hint(), e))
        .orElseGet(() -> new EngineException(what + " failed: " + description(e),
            "check the image name and tag, and that the engine can reach its registry", e));
  }

  /**
   * Translates the error that ended a solve; {@code vertices} is its merged progress, {@code
   * registries} the credentials the solve's session served.
   */
  static KilnException fromSolve(StatusRuntimeException e, VertexLog vertices, BuildkitConnection connection,
      DockerCredentials registries) {
    checkNotStalled(connection, e);
    return fromSolve(e, vertices, connection.address(), connection.dialFailure(), registries);
  }

  static KilnException fromSolve(StatusRuntimeException e, VertexLog vertices, EngineAddress address) {
    return fromSolve(e, vertices, address, DockerCredentials.none());
  }

  static KilnException fromSolve(StatusRuntimeException e, VertexLog vertices, EngineAddress address,
      DockerCredentials registries) {
    return fromSolve(e, vertices, address, null, registries);
  }

  private static KilnException fromSolve(StatusRuntimeException e, VertexLog vertices, EngineAddress address,
      String dialFailure, DockerCredentials registries) {
    KilnException lost = lostOrCancelled(e, "the solve", address, dialFailure, true);
    if (lost != null) {
      return lost;
    }
    String description = description(e);
    if (e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED && description.contains("message larger than max")) {
      // Docker up to 26.1 takes at most 4 MiB per gRPC message.
      return SolveException.failed("the engine refused a message as too large: " + description,
          "large inline files in the pipeline make the definition big; copy them from a local directory "
              + "instead, or use Docker 27 or later (16 MiB) or buildkitd",
          e);
    }
    EngineErrorDetails details = EngineErrorDetails.of(e);
    String failed = details.vertexDigest() != null ? details.vertexDigest() : vertices.failed();
    String step = failed == null ? null : vertices.name(failed);
    List<String> tail = failed == null ? List.of() : vertices.tail(failed);
    // The vertex's own error is the most precise text; the call's description wraps it in context.
    String reason = failed != null && vertices.error(failed) != null ? vertices.error(failed) : description;
    Integer exitCode = details.exitCode() != null ? details.exitCode() : exitCode(reason);
    if (exitCode == null && !reason.equals(description)) {
      exitCode = exitCode(description);
      reason = exitCode == null ? reason : description;
    }
    String command = exitCode == null ? null
        : !details.command().isEmpty() ? String.join(" ", details.command()) : command(reason);
    String shown = command != null ? command : step;
    String message = exitCode != null
        ? "command failed with exit code " + exitCode + (shown == null ? "" : ": " + shown)
        : step == null ? description : step + ": " + description;
    SolveException.Builder failure = SolveException.builder(message);
    if (exitCode == null) {
      // The registry is named by the engine's words (a pull, a cache, a push: "host H", a URL, the image).
      var auth = RegistryAuthFailure.in(reason, null, registries);
      if (auth.isPresent()) {
        failure = SolveException.builder(auth.get().message()).setHint(auth.get().hint());
      }
    }
    return failure.setStep(step).setVertexDigest(failed).setCommand(command)
        .setExitCode(exitCode).setLogTail(tail).setCause(e).build();
  }

  /** The engine is gone, silent or the call was cancelled: null when it is none of these. */
  private static KilnException lostOrCancelled(StatusRuntimeException e, String what, EngineAddress address,
      String dialFailure, boolean solve) {
    Status.Code code = e.getStatus().getCode();
    if (dialFailure != null && code != Status.Code.CANCELLED && !Context.current().isCancelled()) {
      // The latest dial failed (Docker refused the upgrade, the socket went away): whatever gRPC
      // made of the closed channel ("channel closed", UNKNOWN), the engine was not reached.
      return unavailable("cannot reach the BuildKit engine for " + what, address, e, dialFailure);
    }
    if (code == Status.Code.UNAVAILABLE) {
      return unavailable("lost the BuildKit engine during " + what, address, e, dialFailure);
    }
    if (code == Status.Code.DEADLINE_EXCEEDED) {
      return unavailable("the BuildKit engine did not answer in time (" + what + ")", address, e, dialFailure);
    }
    if (code == Status.Code.CANCELLED || Context.current().isCancelled()) {
      String message = what + " was cancelled";
      return solve ? SolveException.cancelled(message, e) : new CancelledException(message, e);
    }
    return null;
  }

  /** The engine's gRPC endpoint does not answer: what was tried and why, for the user. */
  static EngineUnavailableException unavailable(String message, EngineAddress address, StatusRuntimeException e,
      String dialFailure) {
    String why = dialFailure != null ? dialFailure : description(e);
    return new EngineUnavailableException(message, List.of(address + ": " + why), UNREACHABLE_HINT, e);
  }

  private static String description(StatusRuntimeException e) {
    String d = e.getStatus().getDescription();
    return d == null || d.isBlank() ? e.getStatus().getCode().toString() : d;
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
