package dev.kiln.executor;

import dev.kiln.executor.auth.DockerCredentials;
import dev.kiln.executor.engine.BuildkitConnection;
import dev.kiln.executor.engine.FailedStep;
import dev.kiln.executor.engine.Gateway;
import dev.kiln.executor.engine.GatewayContainer;
import dev.kiln.executor.engine.ProcessExit;
import dev.kiln.executor.engine.SolveOptions;
import dev.kiln.model.KilnException;
import dev.kiln.planner.llb.Definition;
import dev.kiln.planner.llb.pb.Op;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;

/**
 * {@code kiln run -i}: where a step failed, an interactive shell in a container with that step's
 * file systems, cache volumes, secrets as files, environment, working directory and user, opened
 * while the failed solve's session still serves its secrets and sources. The run waits until the
 * shell exits, then fails as it would have. One shell at a time.
 *
 * <p>Where the engine sends error details (BuildKit's SolveError: ids of the failed step's
 * committed mounts, in a gateway solve), the container holds the state the failure left ({@link
 * #openAfter}). Docker before 20.10.26 sends none: the container then holds the state
 * <em>before</em> the step ran, each of the step's inputs solved again (from the cache) as its own
 * definition ({@link #open}); the step's own writes are not there.
 */
final class FailedStepShell {
  private final BuildkitConnection connection;
  private final DockerCredentials credentials;
  private final Terminal terminal;
  private final UnaryOperator<String> mask;
  private final TaskAttempts attempts;
  /** Failed steps {@link #openAfter} opened a shell for, which {@link #open} then leaves alone. */
  private final Set<String> opened = new HashSet<>();

  /**
   * @param mask applied to what Kiln itself prints (not to the shell's own input and output)
   * @param attempts which attempt each task is at: no shell opens for a failure that another attempt follows
   */
  FailedStepShell(BuildkitConnection connection, DockerCredentials credentials, Terminal terminal,
      UnaryOperator<String> mask, TaskAttempts attempts) {
    this.attempts = attempts;
    this.connection = connection;
    this.credentials = credentials;
    this.terminal = terminal;
    this.mask = mask;
  }

  /**
   * Opens the shell for {@code failure} of {@code def}, solved in session {@code sessionId}, on
   * the state before the step ran, unless {@link #openAfter} opened one for it; returns when the
   * user exits it. Problems opening it are said, not thrown: the run's failure is the step's.
   */
  synchronized void open(String task, Definition def, String sessionId, List<SolveOptions.CacheEntry> cacheImports,
      SolveException failure) {
    if (failure.cancelled() || failure.vertexDigest().isEmpty() || opened.remove(failure.vertexDigest().get())
        || attempts.retried(task, failure)) {
      return;
    }
    Op op = exec(task, def, failure.vertexDigest().get());
    if (op == null) {
      return;
    }
    try (Gateway gw = Gateway.open(connection, SolveOptions.none().withSession(sessionId), r -> { }, credentials);
        GatewayContainer container = StepContainers.before(gw, def, op, d -> gw.solve(d, cacheImports))) {
      say("kiln: step `" + failure.step().orElse(task) + "` of task " + task + " failed"
          + failure.exitCode().stream().mapToObj(c -> " (exit code " + c + ")").findFirst().orElse("")
          + "; a shell in its container as it was before the step ran (this engine sends no error details"
          + " to show the step's own writes); exit it to end the run");
      run(container, op);
    } catch (KilnException e) {
      say("kiln: could not open a shell where task " + task + " failed: " + e.getMessage());
    }
  }

  /**
   * Opens the shell on the state {@code failed} left, in the build {@code gateway} that is still
   * open (an engine that sends error details); returns when the user exits it.
   */
  synchronized void openAfter(String task, Definition def, Gateway gateway, FailedStep failed) {
    if (attempts.attemptsLeft(task)) {
      return; // a failed command runs again; if it was not a command's exit, open() opens the shell
    }
    Op op = exec(task, def, failed.vertexDigest());
    if (op == null) {
      return;
    }
    opened.add(failed.vertexDigest());
    try (GatewayContainer container = StepContainers.after(gateway, op, failed)) {
      say("kiln: a step of task " + task + " failed; a shell in its container as the failure left it;"
          + " exit it to end the run");
      run(container, op);
    } catch (KilnException e) {
      say("kiln: could not open a shell where task " + task + " failed: " + e.getMessage());
    }
  }

  /** The command op with {@code digest} in {@code def}; null (and said) when the step is not a command. */
  private Op exec(String task, Definition def, String digest) {
    OptionalInt index = StepContainers.indexOf(def, digest);
    Op op = index.isPresent() ? def.op(index.getAsInt()) : null;
    if (op == null || !op.hasExec()) {
      say("kiln: the failed step of task " + task + " is not a command: no shell to open");
      return null;
    }
    return op;
  }

  private void run(GatewayContainer container, Op op) {
    var meta = op.getExec().getMeta();
    ProcessExit exit = ContainerShell.run(container, terminal, meta.getEnvList(), meta.getCwd(), meta.getUser());
    if (!exit.error().isEmpty()) {
      say("kiln: the shell ended: " + exit.error());
    }
  }

  private void say(String line) {
    OutputStream out = terminal.output();
    try {
      out.write((mask.apply(line) + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      // the terminal is gone; the run's outcome says the rest
    }
  }
}
