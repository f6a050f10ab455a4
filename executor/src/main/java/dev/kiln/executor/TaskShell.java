package dev.kiln.executor;

import dev.kiln.executor.auth.DockerCredentials;
import dev.kiln.executor.engine.BuildkitConnection;
import dev.kiln.executor.engine.ContainerMount;
import dev.kiln.executor.engine.ContainerNetwork;
import dev.kiln.executor.engine.Gateway;
import dev.kiln.executor.engine.GatewayContainer;
import dev.kiln.executor.engine.ProcessExit;
import dev.kiln.executor.engine.Session;
import dev.kiln.executor.engine.SolveOptions;
import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.model.ProjectRoot;
import dev.kiln.planner.PlannedTarget;
import dev.kiln.planner.PlannedTask;
import dev.kiln.planner.llb.Definition;
import dev.kiln.planner.llb.pb.Meta;
import dev.kiln.planner.llb.pb.Op;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code kiln shell TASK}: an interactive shell in the container a task's run produces (after its
 * last step), with the environment, working directory and user of its last command.
 */
final class TaskShell {
  private TaskShell() {}

  /** Solves {@code task}'s run and opens the shell; returns its exit code once it exits. */
  static int open(BuildkitConnection connection, PlanRunner.SessionServices services, DockerCredentials credentials,
      ProjectRoot root, String sharedKey, PlannedTask task, PlanRunner.Listener listener, Terminal terminal)
      throws IOException {
    PlannedTarget run = task.targets().stream().filter(t -> t.kind() == PlannedTarget.Kind.RUN).findFirst()
        .orElseThrow(() -> SolveException.failed("task " + task.name() + " runs no container to open a shell in",
            "pick a task with steps (`kiln list` shows the tasks)", null));
    if (!task.services().isEmpty()) {
      throw SolveException.failed("task " + task.name() + " binds services, which `kiln shell` does not start",
          "use `kiln run -i " + task.name() + "`: where a step fails, its shell opens while the services run", null);
    }
    Map<String, Path> localDirs = LocalDirs.of(run.definition(), root);
    Session.Builder sb = Session.builder().name("kiln shell " + task.name()).sharedKey(sharedKey);
    services.create(localDirs).forEach(sb::addService);
    try (Session session = sb.start(connection)) {
      Definition def = localDirs.isEmpty() ? run.definition() : run.definition().withLocalSession(session.id());
      return open(connection, session, def, credentials, r -> listener.status(task.name(), def, r), terminal);
    }
  }

  private static int open(BuildkitConnection connection, Session session, Definition def,
      DockerCredentials credentials, Consumer<StatusResponse> progress, Terminal terminal) {
    try (Gateway gw = Gateway.open(connection, SolveOptions.none().withSession(session.id()), progress, credentials)) {
      String ref = gw.solve(def.toPb(), List.of());
      Op last = lastExec(def);
      Meta meta = last == null ? Meta.getDefaultInstance() : last.getExec().getMeta();
      // the last command's mounts (cache volumes, secrets as files, directories), each directory as it was given
      try (GatewayContainer container = last == null
          ? gw.container(List.of(new ContainerMount.Result("/", ref, "", false)), ContainerNetwork.SANDBOX)
          : StepContainers.over(gw, def, last, ref, d -> gw.solve(d, List.of()))) {
        ProcessExit exit = ContainerShell.run(container, terminal, meta.getEnvList(), meta.getCwd(), meta.getUser());
        return exit.code();
      }
    }
  }

  /** The meta of the command that made {@code def}'s result (its environment, directory and user). */
  static Meta lastCommand(Definition def) {
    Op op = lastExec(def);
    return op == null ? Meta.getDefaultInstance() : op.getExec().getMeta();
  }

  /** The command op that made {@code def}'s result: the first exec up its first inputs; null if none. */
  static Op lastExec(Definition def) {
    List<String> digests = def.digests();
    String digest = def.resultDigest();
    while (true) {
      int i = digests.indexOf(digest);
      if (i < 0) {
        return null;
      }
      Op op = def.op(i);
      if (op.hasExec()) {
        return op;
      }
      if (op.getInputsCount() == 0) {
        return null;
      }
      digest = op.getInputs(0).getDigest();
    }
  }
}
