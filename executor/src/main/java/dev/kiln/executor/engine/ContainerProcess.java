package dev.kiln.executor.engine;

import com.google.protobuf.ByteString;
import dev.kiln.executor.CancelledException;
import dev.kiln.executor.EngineException;
import dev.kiln.executor.proto.gateway.ExecMessage;
import dev.kiln.executor.proto.gateway.FdMessage;
import dev.kiln.executor.proto.gateway.InitMessage;
import dev.kiln.executor.proto.gateway.ResizeMessage;
import dev.kiln.model.KilnException;
import dev.kiln.planner.llb.pb.Meta;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A process running in a {@link GatewayContainer}: its stdin, terminal size and exit. It has its
 * own ExecProcess stream, kept open until the engine says the process is done (closing the stream
 * earlier may end the process on newer engines).
 */
public final class ContainerProcess {
  private final String id;
  private final StreamObserver<ExecMessage> requests;
  private final CompletableFuture<ProcessExit> exit;
  /** Whether stdin is wired and not yet ended: ending an unwired or ended stdin fails the stream. */
  private final AtomicBoolean stdinOpen;

  private ContainerProcess(String id, StreamObserver<ExecMessage> requests, CompletableFuture<ProcessExit> exit,
      AtomicBoolean stdinOpen) {
    this.id = id;
    this.requests = requests;
    this.exit = exit;
    this.stdinOpen = stdinOpen;
  }

  static ContainerProcess start(BuildkitConnection connection, BridgeClient bridge, String containerId,
      ProcessSpec spec, OutputStream stdout, OutputStream stderr) {
    String id = containerId + ":" + UUID.randomUUID();
    CompletableFuture<Void> started = new CompletableFuture<>();
    CompletableFuture<ProcessExit> exit = new CompletableFuture<>();
    AtomicBoolean stdinOpen = new AtomicBoolean(spec.stdin());
    Responses responses = new Responses(connection, started, exit, stdout, stderr);
    StreamObserver<ExecMessage> requests = bridge.execProcess(responses);
    responses.requests = requests;
    InitMessage.Builder init = InitMessage.newBuilder().setContainerID(containerId).setTty(spec.tty())
        .setMeta(Meta.newBuilder().addAllArgs(spec.args()).addAllEnv(spec.env()).setCwd(spec.cwd())
            .setUser(spec.user()));
    if (spec.stdin()) {
      init.addFds(0);
    }
    init.addFds(1).addFds(2);
    ContainerProcess process = new ContainerProcess(id, requests, exit, stdinOpen);
    responses.process = process;
    process.send(ExecMessage.newBuilder().setProcessID(id).setInit(init));
    try {
      // Mounting the results and starting the container: as long as reading a result may take.
      started.get(bridge.policy().read().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof KilnException k ? k : new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      requests.onError(Status.CANCELLED.withDescription("not started in time").asRuntimeException());
      throw new EngineException("the engine did not start a process in container " + containerId + " within "
          + bridge.policy().read().toSeconds() + " seconds", "check the engine with `kiln engine info`", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      requests.onError(Status.CANCELLED.withDescription("interrupted").asRuntimeException());
      throw new CancelledException("interrupted while starting a process in a container", e);
    }
    return process;
  }

  /** Sends {@code data} to the process's stdin (ignored once it has exited or its stdin ended). */
  public void write(byte[] data, int offset, int length) {
    if (length > 0 && stdinOpen.get()) {
      send(ExecMessage.newBuilder().setProcessID(id)
          .setFile(FdMessage.newBuilder().setFd(0).setData(ByteString.copyFrom(data, offset, length))));
    }
  }

  /** Ends the process's stdin (if it has one, once). */
  public void closeStdin() {
    if (!stdinOpen.getAndSet(false)) {
      return;
    }
    send(ExecMessage.newBuilder().setProcessID(id).setFile(FdMessage.newBuilder().setFd(0).setEOF(true)));
  }

  /** Resizes the process's terminal. */
  public void resize(int rows, int cols) {
    send(ExecMessage.newBuilder().setProcessID(id).setResize(ResizeMessage.newBuilder().setRows(rows).setCols(cols)));
  }

  /**
   * How the process ended, once it has and all its output is written; completed exceptionally
   * with a {@link KilnException} if the engine or the stream failed first.
   */
  public CompletableFuture<ProcessExit> exit() {
    return exit.copy();
  }

  /**
   * Waits for the process to end.
   *
   * @throws KilnException if the engine or the stream failed first
   * @throws CancelledException if the waiting thread is interrupted
   */
  public ProcessExit waitFor() {
    try {
      return exit.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof KilnException k ? k : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancelledException("interrupted while a process ran in a container", e);
    }
  }

  private void send(ExecMessage.Builder message) {
    if (exit.isDone()) {
      return;
    }
    synchronized (requests) { // a gRPC stream takes one message at a time
      requests.onNext(message.build());
    }
  }

  /** The engine's side: Started, then output, its end (EOF), Exit and Done in any order. */
  private static final class Responses implements StreamObserver<ExecMessage> {
    private final BuildkitConnection connection;
    private final CompletableFuture<Void> started;
    private final CompletableFuture<ProcessExit> exit;
    private final OutputStream stdout;
    private final OutputStream stderr;
    private volatile StreamObserver<ExecMessage> requests;
    private volatile ContainerProcess process;
    private ProcessExit exited;
    private boolean done;
    private int outputsOpen = 2;

    Responses(BuildkitConnection connection, CompletableFuture<Void> started, CompletableFuture<ProcessExit> exit,
        OutputStream stdout, OutputStream stderr) {
      this.connection = connection;
      this.started = started;
      this.exit = exit;
      this.stdout = stdout;
      this.stderr = stderr;
    }

    @Override
    public void onNext(ExecMessage m) {
      switch (m.getInputCase()) {
        case STARTED -> started.complete(null);
        case FILE -> output(m.getFile());
        case EXIT -> {
          exited = new ProcessExit(m.getExit().getCode(), m.getExit().getError().getMessage());
          // The engine says Done only once every stream is closed, stdin too.
          process.closeStdin();
          finishIfOver();
        }
        case DONE -> {
          done = true;
          finishIfOver();
        }
        default -> { } // nothing else comes from the engine
      }
    }

    private void output(FdMessage file) {
      OutputStream out = file.getFd() == 2 ? stderr : stdout;
      if (file.getEOF()) {
        outputsOpen--;
        finishIfOver();
        return;
      }
      try {
        file.getData().writeTo(out);
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e); // ends the stream: nobody reads the output any more
      }
    }

    private void finishIfOver() {
      // Done may come before the last output (BuildKit v0.8): all three are needed.
      if (exited != null && done && outputsOpen <= 0 && exit.complete(exited)) {
        synchronized (requests) {
          requests.onCompleted();
        }
      }
    }

    @Override
    public void onError(Throwable t) {
      KilnException error = BuildkitErrors.fromCall(Status.fromThrowable(t).asRuntimeException(),
          "running a process in a container", null, connection.address(), connection.dialFailure());
      started.completeExceptionally(error);
      if (exited != null) {
        exit.complete(exited); // the process ended; only the stream's end was lost
      }
      exit.completeExceptionally(error);
    }

    @Override
    public void onCompleted() {
      if (exited != null) {
        exit.complete(exited);
      }
      EngineException early = new EngineException("the engine ended a container's process stream before the"
          + " process exited", null, null);
      started.completeExceptionally(early);
      exit.completeExceptionally(early);
    }
  }
}
