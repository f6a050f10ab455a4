package dev.kiln.executor;

import dev.kiln.executor.auth.DockerCredentials;
import dev.kiln.executor.engine.BuildkitConnection;
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
import java.util.List;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;

/**
 * {@code kiln run -i}: where a step failed, an interactive shell in a container with that step's
 * file systems, cache volumes, secrets as files, environment, working directory and user, opened
 * while the failed solve's session still serves its secrets and sources. The run waits until the
 * shell exits, then fails as it would have. One shell at a time.
 *
 * <p>The container holds the state <em>before</em> the step ran: each of the step's inputs is
 * solved again (from the cache) as its own definition. The state after the failure would need the
 * engine's error details (BuildKit's SolveError, whose ids name the failed step's committed
 * mounts), which Docker before 20.10.26 never sends, and which only a gateway solve gets.
 */
final class FailedStepShell {
  private final BuildkitConnection connection;
  private final DockerCredentials credentials;
  private final Terminal terminal;
  private final UnaryOperator<String> mask;

  /** @param mask applied to what Kiln itself prints (not to the shell's own input and output) */
  FailedStepShell(BuildkitConnection connection, DockerCredentials credentials, Terminal terminal,
      UnaryOperator<String> mask) {
    this.connection = connection;
    this.credentials = credentials;
    this.terminal = terminal;
    this.mask = mask;
  }

  /**
   * Opens the shell for {@code failure} of {@code def}, solved in session {@code sessionId}, and
   * returns when the user exits it. Problems opening it are said, not thrown: the run's failure is
   * the step's.
   */
  synchronized void open(String task, Definition def, String sessionId, List<SolveOptions.CacheEntry> cacheImports,
      SolveException failure) {
    if (failure.cancelled() || failure.vertexDigest().isEmpty()) {
      return;
    }
    OptionalInt index = StepContainers.indexOf(def, failure.vertexDigest().get());
    Op op = index.isPresent() ? def.op(index.getAsInt()) : null;
    if (op == null || !op.hasExec()) {
      say("kiln: the failed step of task " + task + " is not a command: no shell to open");
      return;
    }
    try (Gateway gw = Gateway.open(connection, SolveOptions.none().withSession(sessionId), r -> { }, credentials);
        GatewayContainer container = StepContainers.before(gw, def, op, d -> gw.solve(d, cacheImports))) {
      var meta = op.getExec().getMeta();
      say("kiln: step `" + failure.step().orElse(task) + "` of task " + task + " failed"
          + failure.exitCode().stream().mapToObj(c -> " (exit code " + c + ")").findFirst().orElse("")
          + "; a shell in its container as it was before the step ran (this engine sends no error details"
          + " to show the step's own writes); exit it to end the run");
      ProcessExit exit = ContainerShell.run(container, terminal, meta.getEnvList(), meta.getCwd(), meta.getUser());
      if (!exit.error().isEmpty()) {
        say("kiln: the shell ended: " + exit.error());
      }
    } catch (KilnException e) {
      say("kiln: could not open a shell where task " + task + " failed: " + e.getMessage());
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
