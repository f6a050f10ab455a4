package dev.kiln.executor;

import dev.kiln.executor.engine.ContainerMount;
import dev.kiln.executor.engine.ContainerNetwork;
import dev.kiln.executor.engine.FailedStep;
import dev.kiln.executor.engine.Gateway;
import dev.kiln.executor.engine.GatewayContainer;
import dev.kiln.planner.llb.Definition;
import dev.kiln.planner.llb.pb.ExecOp;
import dev.kiln.planner.llb.pb.Input;
import dev.kiln.planner.llb.pb.Mount;
import dev.kiln.planner.llb.pb.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Containers that reproduce a step of a definition: its file systems (as the engine left them
 * after a failure, or each mount's input solved on its own: the state before the step ran), cache
 * volumes, secrets as files and network.
 */
final class StepContainers {
  private StepContainers() {}

  /** The index of the op with {@code digest} in {@code def}, if it is there. */
  static OptionalInt indexOf(Definition def, String digest) {
    int i = def.indexOf(digest);
    return i < 0 || i >= def.size() ? OptionalInt.empty() : OptionalInt.of(i);
  }

  /**
   * A container with the mounts op {@code op} of {@code def} had before it ran: each input solved
   * through {@code solve} (a definition to a result id).
   */
  static GatewayContainer before(Gateway gateway, Definition def, Op op, Function<dev.kiln.planner.llb.pb.Definition,
      String> solve) {
    Map<Long, String> results = new TreeMap<>();
    return of(gateway, op, m -> m.getInput() < 0 ? ""
        : results.computeIfAbsent(m.getInput(), i -> solve.apply(upTo(def, op.getInputs(i.intValue())))));
  }

  /**
   * A container with the mounts op {@code op} of {@code def} had, but {@code rootRef} at {@code /}:
   * a task's result with its last command's cache volumes, secrets, directories and network.
   */
  static GatewayContainer over(Gateway gateway, Definition def, Op op, String rootRef,
      Function<dev.kiln.planner.llb.pb.Definition, String> solve) {
    Map<Long, String> results = new TreeMap<>();
    return of(gateway, op, m -> m.getDest().equals("/") ? rootRef : m.getInput() < 0 ? ""
        : results.computeIfAbsent(m.getInput(), i -> solve.apply(upTo(def, op.getInputs(i.intValue())))));
  }

  /** A container with the mounts of op {@code op} as the engine left them after {@code failed}. */
  static GatewayContainer after(Gateway gateway, Op op, FailedStep failed) {
    List<Mount> mounts = op.getExec().getMountsList();
    return of(gateway, op, m -> failed.mountAfter(mounts.indexOf(m)));
  }

  /** A container with {@code op}'s mounts, each file system mount's result id from {@code resultId}. */
  private static GatewayContainer of(Gateway gateway, Op op, Function<Mount, String> resultId) {
    ExecOp exec = op.getExec();
    List<ContainerMount> mounts = new ArrayList<>();
    for (Mount m : exec.getMountsList()) {
      switch (m.getMountType()) {
        case BIND -> mounts.add(new ContainerMount.Result(m.getDest(), resultId.apply(m), m.getSelector(),
            m.getReadonly()));
        case CACHE -> mounts.add(new ContainerMount.Cache(m.getDest(), m.getCacheOpt().getID(),
            ContainerMount.Sharing.valueOf(m.getCacheOpt().getSharing().name())));
        case SECRET -> mounts.add(new ContainerMount.Secret(m.getDest(), m.getSecretOpt().getID(),
            m.getSecretOpt().getUid(), m.getSecretOpt().getGid(), m.getSecretOpt().getMode(),
            m.getSecretOpt().getOptional()));
        case TMPFS -> mounts.add(new ContainerMount.Tmpfs(m.getDest()));
        default -> { } // an SSH agent is not forwarded to the shell
      }
    }
    return gateway.container(mounts, network(exec));
  }

  /** {@code def}'s ops with a return op for {@code input}: the state one input of a step had. */
  static dev.kiln.planner.llb.pb.Definition upTo(Definition def, Input input) {
    dev.kiln.planner.llb.pb.Definition pb = def.toPb();
    return dev.kiln.planner.llb.pb.Definition.newBuilder()
        .addAllDef(pb.getDefList().subList(0, pb.getDefCount() - 1))
        .addDef(Op.newBuilder().addInputs(input).build().toByteString())
        .putAllMetadata(pb.getMetadataMap())
        .build();
  }

  private static ContainerNetwork network(ExecOp exec) {
    return switch (exec.getNetwork()) {
      case HOST -> ContainerNetwork.HOST;
      case NONE -> ContainerNetwork.NONE;
      default -> ContainerNetwork.SANDBOX;
    };
  }
}
