package dev.kiln.executor.engine;

import dev.kiln.executor.EngineException;
import dev.kiln.executor.proto.gateway.NewContainerRequest;
import dev.kiln.executor.proto.gateway.PongResponse;
import dev.kiln.executor.proto.gateway.ReleaseContainerRequest;
import dev.kiln.model.KilnException;
import dev.kiln.planner.llb.pb.CacheOpt;
import dev.kiln.planner.llb.pb.CacheSharingOpt;
import dev.kiln.planner.llb.pb.Mount;
import dev.kiln.planner.llb.pb.MountType;
import dev.kiln.planner.llb.pb.NetMode;
import dev.kiln.planner.llb.pb.SecretOpt;
import java.io.OutputStream;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A container the engine runs for a gateway build, over solved results (BuildKit's gateway
 * containers: NewContainer, ExecProcess, ReleaseContainer; capability {@value #CAPABILITY}). The
 * first process {@linkplain #start started} is the container: when it exits, the container is
 * gone; later ones are executed beside it. Writes stay in the container. The engine keeps a
 * container until it is {@linkplain #close released}, on BuildKit before v0.11 even after the
 * build ends, so every container must be closed.
 */
public final class GatewayContainer implements AutoCloseable {
  /** The gateway capability that says an engine runs containers (BuildKit v0.8, Docker 20.10). */
  public static final String CAPABILITY = "gateway.exec";

  private final BuildkitConnection connection;
  private final BridgeClient bridge;
  private final String id;
  private final AtomicBoolean released = new AtomicBoolean();
  private final List<ContainerProcess> processes = new CopyOnWriteArrayList<>();
  private volatile ContainerProcess first;

  private GatewayContainer(BuildkitConnection connection, BridgeClient bridge, String id) {
    this.connection = connection;
    this.bridge = bridge;
    this.id = id;
  }

  /**
   * Creates a container whose file system is {@code mounts} (one of them at {@code /}).
   *
   * @throws EngineException if the engine cannot run containers, or refuses this one
   */
  static GatewayContainer create(BuildkitConnection connection, BridgeClient bridge, PongResponse caps,
      List<ContainerMount> mounts, ContainerNetwork network) {
    boolean exec = caps.getFrontendAPICapsList().stream()
        .anyMatch(c -> c.getID().equals(CAPABILITY) && c.getEnabled());
    if (!exec) {
      throw new EngineException("the engine cannot run containers for a build: it lacks the gateway capability "
          + CAPABILITY, "use an engine with BuildKit v0.8 or later (Docker 20.10 or later); `kiln engine info`"
          + " shows the engine's version", null);
    }
    if (mounts.stream().filter(m -> m.dest().equals("/")).count() != 1) {
      throw new IllegalArgumentException("a container needs exactly one mount at /: " + mounts);
    }
    String id = "kiln-" + UUID.randomUUID();
    NewContainerRequest.Builder req = NewContainerRequest.newBuilder().setContainerID(id)
        .setNetwork(switch (network) {
          case SANDBOX -> NetMode.UNSET;
          case HOST -> NetMode.HOST;
          case NONE -> NetMode.NONE;
        });
    mounts.forEach(m -> req.addMounts(mount(m)));
    BuildkitErrors.call(connection, "creating a container on the engine", () -> {
      bridge.newContainer(req.build());
      return null;
    });
    return new GatewayContainer(connection, bridge, id);
  }

  private static Mount mount(ContainerMount m) {
    Mount.Builder b = Mount.newBuilder().setDest(m.dest()).setInput(-1).setOutput(-1);
    if (m instanceof ContainerMount.Result r) {
      b.setMountType(MountType.BIND).setResultID(r.resultId()).setSelector(r.selector()).setReadonly(r.readonly());
    } else if (m instanceof ContainerMount.Cache c) {
      b.setMountType(MountType.CACHE).setCacheOpt(CacheOpt.newBuilder()
          .setID(c.id()).setSharing(CacheSharingOpt.valueOf(c.sharing().name())));
    } else if (m instanceof ContainerMount.Secret s) {
      b.setMountType(MountType.SECRET).setSecretOpt(SecretOpt.newBuilder()
          .setID(s.id()).setUid(s.uid()).setGid(s.gid()).setMode(s.mode()).setOptional(s.optional()));
    } else {
      b.setMountType(MountType.TMPFS);
    }
    return b.build();
  }

  /** The container's id on the engine (chosen by Kiln). */
  public String id() {
    return id;
  }

  /**
   * Starts {@code spec} in this container and returns once the engine says it runs. Its output
   * goes to {@code stdout} and {@code stderr} as it comes, from a gRPC thread (with a terminal, all
   * of it to {@code stdout}).
   *
   * @throws KilnException if the engine cannot start it (missing command, lost engine), or the
   *     container's first process has exited (BuildKit v0.8 would wait for ever on an exec into it)
   */
  public synchronized ContainerProcess start(ProcessSpec spec, OutputStream stdout, OutputStream stderr) {
    if (released.get()) {
      throw new IllegalStateException("container " + id + " is released");
    }
    if (first != null && first.exit().isDone()) {
      throw new EngineException("the container " + id + " has stopped: its first process exited",
          "a container lives as long as its first process", null);
    }
    ContainerProcess process = ContainerProcess.start(connection, bridge, id, spec, stdout, stderr);
    if (first == null) {
      first = process;
    }
    processes.add(process);
    return process;
  }

  /**
   * Releases the container: the engine kills its processes and drops its writes. Best effort and
   * idempotent: an engine that is gone has nothing left to release.
   */
  @Override
  public void close() {
    if (released.getAndSet(true)) {
      return;
    }
    // BuildKit v0.8 waits for a killed process's open stdin before it answers the release.
    processes.forEach(ContainerProcess::closeStdin);
    try {
      bridge.releaseContainer(ReleaseContainerRequest.newBuilder().setContainerID(id).build());
    } catch (RuntimeException e) {
      // the build, the connection or the engine is gone, and the container with it
    }
  }
}
