package dev.kiln.executor.engine;

import com.google.rpc.Status;
import dev.kiln.executor.EngineException;
import dev.kiln.executor.EngineUnavailableException;
import dev.kiln.executor.SolveException;
import dev.kiln.executor.auth.DockerCredentials;
import dev.kiln.executor.proto.control.CacheOptionsEntry;
import dev.kiln.executor.proto.control.SolveRequest;
import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.executor.proto.fsutil.Stat;
import dev.kiln.executor.proto.gateway.FileRange;
import dev.kiln.executor.proto.gateway.PongResponse;
import dev.kiln.executor.proto.gateway.ReadDirRequest;
import dev.kiln.executor.proto.gateway.ReadFileRequest;
import dev.kiln.executor.proto.gateway.ResolveImageConfigRequest;
import dev.kiln.executor.proto.gateway.ResolveImageConfigResponse;
import dev.kiln.executor.proto.gateway.Result;
import dev.kiln.executor.proto.gateway.ReturnRequest;
import dev.kiln.executor.proto.gateway.StatFileRequest;
import dev.kiln.planner.llb.pb.Definition;
import dev.kiln.planner.llb.pb.Platform;
import io.grpc.Context;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A build in gateway mode: Kiln acts as the frontend. The engine keeps the build open while Kiln
 * solves definitions, reads files from results, resolves image configs and asks for capabilities;
 * {@link #finish} hands the engine the result to export.
 */
public final class Gateway implements AutoCloseable {
  /** Files are read in pieces below 4 MiB, the most an old dockerd or grpc-java takes in one message. */
  static final int READ_CHUNK = 3_984_588;

  private final BuildkitConnection connection;
  private final BridgeClient bridge;
  private final CompletableFuture<Map<String, String>> build;
  private final VertexLog vertices;
  private final DockerCredentials registries;
  private boolean returned;

  private Gateway(BuildkitConnection connection, String ref, CompletableFuture<Map<String, String>> build,
      VertexLog vertices, DockerCredentials registries) {
    this.connection = connection;
    this.bridge = connection.bridge(ref);
    this.build = build;
    this.vertices = vertices;
    this.registries = registries;
  }

  /** Opens a gateway build whose session serves no registry credentials. */
  public static Gateway open(BuildkitConnection connection, SolveOptions options,
      Consumer<StatusResponse> progress) {
    return open(connection, options, progress, DockerCredentials.none());
  }

  /**
   * Opens a gateway build; {@code options} say what happens to the result at {@link #finish}, and
   * {@code registries} are the credentials its session serves (a registry's refusal is explained by them).
   */
  public static Gateway open(BuildkitConnection connection, SolveOptions options,
      Consumer<StatusResponse> progress, DockerCredentials registries) {
    SolveRequest.Builder req = Solver.request(options); // no Definition, no Frontend: gateway mode
    Solver solver = new Solver(connection, registries);
    CompletableFuture<Map<String, String>> build = new CompletableFuture<>();
    VertexLog vertices = new VertexLog();
    // The build runs in the opener's gRPC context, so cancelling that context ends it too.
    Context context = Context.current();
    Thread t = new Thread(() -> context.run(() -> {
      try {
        build.complete(solver.run(req, progress, vertices));
      } catch (RuntimeException e) {
        build.completeExceptionally(e);
      }
    }), "kiln-gateway-" + req.getRef());
    t.setDaemon(true);
    t.start();
    return new Gateway(connection, req.getRef(), build, vertices, registries);
  }

  /** The LLB and frontend capabilities of the engine. */
  public PongResponse ping() {
    return BuildkitErrors.call(connection, "asking the engine for its capabilities", bridge::ping);
  }

  /**
   * Solves {@code definition} now (not lazily) and returns the result's ref id.
   *
   * @throws SolveException if a step fails
   */
  public String solve(Definition definition, List<SolveOptions.CacheEntry> cacheImports) {
    return solve(definition, cacheImports, null);
  }

  /**
   * Like {@link #solve(Definition, List)}; when a step fails and the engine says which (error
   * details), {@code whileFailed} is called with it before the build ends, so that containers can
   * be opened on the failed step's results (it may be null).
   */
  public String solve(Definition definition, List<SolveOptions.CacheEntry> cacheImports,
      Consumer<FailedStep> whileFailed) {
    var req = dev.kiln.executor.proto.gateway.SolveRequest.newBuilder()
        .setDefinition(definition)
        .setAllowResultReturn(true)
        .setAllowResultArrayRef(true)
        .setEvaluate(true);
    for (SolveOptions.CacheEntry c : cacheImports) {
      req.addCacheImports(CacheOptionsEntry.newBuilder().setType(c.type()).putAllAttrs(c.attrs()));
    }
    dev.kiln.executor.proto.gateway.SolveResponse resp = solve(req.build(), whileFailed);
    // Engines answer in the newest form the request allows; older ones use the string forms.
    if (resp.getResult().hasRef()) {
      return resp.getResult().getRef().getId();
    }
    return resp.getResult().getRefDeprecated().isEmpty() ? resp.getRef() : resp.getResult().getRefDeprecated();
  }

  /**
   * Solves through one of the engine's frontends (for example {@code dockerfile.v0}) with
   * {@code options} (its FrontendOpt) and {@code inputs} in place of its local sources. The result
   * is lazy: its ref carries the frontend's LLB, which later definitions may build on.
   *
   * @throws SolveException if the frontend fails (a Dockerfile that does not parse, a failed step)
   */
  public Result solveFrontend(String frontend, Map<String, String> options, Map<String, Definition> inputs) {
    var req = dev.kiln.executor.proto.gateway.SolveRequest.newBuilder()
        .setFrontend(frontend)
        .putAllFrontendOpt(options)
        .putAllFrontendInputs(inputs)
        .setAllowResultReturn(true)
        .setAllowResultArrayRef(true);
    return solve(req.build(), null).getResult();
  }

  private dev.kiln.executor.proto.gateway.SolveResponse solve(dev.kiln.executor.proto.gateway.SolveRequest req,
      Consumer<FailedStep> whileFailed) {
    try {
      return bridge.solve(req);
    } catch (StatusRuntimeException e) {
      EngineErrorDetails details = EngineErrorDetails.of(e);
      if (whileFailed != null && details.vertexDigest() != null && !details.mountIds().isEmpty()) {
        // The engine keeps the failed step's results only while the build is open.
        whileFailed.accept(new FailedStep(details.vertexDigest(), details.mountIds(), details.inputIds()));
      }
      if (!EnumSet.of(Code.UNAVAILABLE, Code.DEADLINE_EXCEEDED, Code.CANCELLED).contains(e.getStatus().getCode())) {
        // The build's status stream goes on after this call and may not yet have said which step
        // failed, nor sent its last lines: ending the build now lets it be read to its end.
        close();
        vertices.awaitFailure(Duration.ofSeconds(2));
      }
      throw BuildkitErrors.fromSolve(e, vertices, connection, registries);
    }
  }

  /**
   * Reads a whole file from a solved result, in pieces that stay under every gRPC message limit.
   *
   * @throws SolveException if the file cannot be read (missing, a directory, ...)
   */
  public byte[] readFile(String resultRef, String path) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      byte[] piece = readFile(resultRef, path, out.size(), READ_CHUNK);
      if (piece.length > READ_CHUNK && out.size() == 0) {
        return piece; // an engine that ignores the range sends the whole file at once
      }
      out.write(piece, 0, piece.length);
      if (piece.length < READ_CHUNK) {
        return out.toByteArray();
      }
    }
  }

  /** Reads at most {@code length} bytes from {@code offset} of a file in a solved result. */
  public byte[] readFile(String resultRef, String path, long offset, int length) {
    try {
      return bridge.readFile(ReadFileRequest.newBuilder().setRef(resultRef).setFilePath(path)
              .setRange(FileRange.newBuilder().setOffset(offset).setLength(length)).build())
          .getData().toByteArray();
    } catch (StatusRuntimeException e) {
      throw BuildkitErrors.fromSolve(e, vertices, connection, registries);
    }
  }

  /**
   * Lists a directory of a solved result; {@code includePattern} (may be empty) filters names.
   * Modes are Go {@code os.FileMode} bits, times Unix nanoseconds.
   */
  public List<Stat> readDir(String resultRef, String path, String includePattern) {
    try {
      return bridge.readDir(ReadDirRequest.newBuilder().setRef(resultRef).setDirPath(path)
              .setIncludePattern(includePattern).build())
          .getEntriesList();
    } catch (StatusRuntimeException e) {
      throw BuildkitErrors.fromSolve(e, vertices, connection, registries);
    }
  }

  /** The metadata of one path in a solved result. */
  public Stat statFile(String resultRef, String path) {
    try {
      return bridge.statFile(StatFileRequest.newBuilder().setRef(resultRef).setPath(path).build())
          .getStat();
    } catch (StatusRuntimeException e) {
      throw BuildkitErrors.fromSolve(e, vertices, connection, registries);
    }
  }

  /**
   * Creates a container over solved results of this build ({@link ContainerMount.Result} ids from
   * {@link #solve}); the caller must close it.
   *
   * @throws EngineException if the engine cannot run containers ({@value GatewayContainer#CAPABILITY}) or refuses this one
   */
  public GatewayContainer container(List<ContainerMount> mounts, ContainerNetwork network) {
    return GatewayContainer.create(connection, bridge, ping(), mounts, network);
  }

  /** Resolves an image reference to its digest and OCI config JSON. */
  public ResolveImageConfigResponse resolveImageConfig(String imageRef, Platform platform) {
    return BuildkitErrors.resolving(connection, imageRef, registries,
        () -> bridge.resolveImageConfig(ResolveImageConfigRequest.newBuilder()
            .setRef(imageRef).setPlatform(platform).setResolveMode("default").build()));
  }

  /**
   * Returns {@code resultRef} to the engine, which exports it as the build's options say, and
   * waits for the build to end.
   *
   * @return the exporters' response
   */
  public Map<String, String> finish(String resultRef) {
    return finish(resultRef, Map.of());
  }

  /**
   * Like {@link #finish(String)}, with result metadata for the exporters (for example
   * {@code containerimage.config}, the image configuration JSON).
   */
  public Map<String, String> finish(String resultRef, Map<String, byte[]> metadata) {
    returned = true;
    Result.Builder result = Result.newBuilder()
        .setRef(dev.kiln.executor.proto.gateway.Ref.newBuilder().setId(resultRef));
    metadata.forEach((k, v) -> result.putMetadata(k, com.google.protobuf.ByteString.copyFrom(v)));
    try {
      bridge.return_(ReturnRequest.newBuilder().setResult(result).build());
    } catch (StatusRuntimeException e) {
      throw BuildkitErrors.fromSolve(e, vertices, connection, registries);
    }
    try {
      // The engine exports now; the build's Solve call is bounded by the solve deadline.
      return build.get(bridge.policy().solve().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re; // the build's solve, already translated
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SolveException.cancelled("the build was interrupted while exporting", e);
    } catch (TimeoutException e) {
      throw new EngineUnavailableException("the BuildKit engine did not end the build within "
          + bridge.policy().solve().toMinutes() + " minutes", List.of(connection.address().toString()),
          "check that the engine is running (`kiln engine info`)", e);
    }
  }

  /** Ends the build without a result (nothing is exported). */
  @Override
  public void close() {
    if (returned) {
      return;
    }
    returned = true;
    try {
      // A Return must carry a result or an error; with nothing to export, an error ends the build.
      bridge.return_(ReturnRequest.newBuilder()
          .setError(Status.newBuilder().setCode(1).setMessage("kiln: no result")).build());
      build.handle((r, e) -> null).get(bridge.policy().query().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException | ExecutionException | TimeoutException e) {
      // the build is over either way
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
