package dev.kiln.executor.engine;

import dev.kiln.executor.EngineUnavailableException;
import dev.kiln.executor.SolveException;
import dev.kiln.executor.auth.DockerCredentials;
import dev.kiln.executor.proto.control.CacheOptions;
import dev.kiln.executor.proto.control.CacheOptionsEntry;
import dev.kiln.executor.proto.control.Exporter;
import dev.kiln.executor.proto.control.SolveRequest;
import dev.kiln.executor.proto.control.SolveResponse;
import dev.kiln.executor.proto.control.StatusRequest;
import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.planner.llb.pb.Definition;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Submits solves to an engine and follows their progress. A solve blocks until the engine is done;
 * cancelling the calling thread's gRPC {@link Context} cancels it on the engine.
 */
public final class Solver {
  /** How long a solve's status stream may be silent after the solve before it is given up. */
  static final Duration DRAIN_QUIET = Duration.ofSeconds(5);

  private final BuildkitConnection connection;
  private final DockerCredentials registries;

  /** A solver for solves that serve no registry credentials. */
  public Solver(BuildkitConnection connection) {
    this(connection, DockerCredentials.none());
  }

  /**
   * A solver whose failures say, when a registry turned the engine down, whether {@code registries}
   * (the credentials the solve's session serves) had a credential for it.
   */
  public Solver(BuildkitConnection connection, DockerCredentials registries) {
    this.connection = connection;
    this.registries = registries;
  }

  /**
   * Solves {@code definition} with {@code options}, passing every status update to {@code progress}.
   *
   * @return the exporters' response (image digest, ...)
   * @throws SolveException if the engine reports a failure
   * @throws EngineUnavailableException if the engine is lost
   */
  public Map<String, String> solve(Definition definition, SolveOptions options,
      Consumer<StatusResponse> progress) {
    SolveRequest.Builder req = request(options).setDefinition(definition);
    return run(req, progress);
  }

  static SolveRequest.Builder request(SolveOptions options) {
    SolveRequest.Builder req = SolveRequest.newBuilder().setRef(newRef());
    if (options.sessionId() != null) {
      req.setSession(options.sessionId());
    }
    for (SolveOptions.Exporter e : options.exporters()) {
      req.addExporters(Exporter.newBuilder().setType(e.type()).putAllAttrs(e.attrs()));
    }
    // Engines before v0.13 read only the single deprecated exporter fields; newer ones prefer 13.
    if (!options.exporters().isEmpty()) {
      SolveOptions.Exporter first = options.exporters().get(0);
      req.setExporterDeprecated(first.type()).putAllExporterAttrsDeprecated(first.attrs());
    }
    CacheOptions.Builder cache = CacheOptions.newBuilder();
    options.cacheImports().forEach(c -> cache.addImports(entry(c)));
    options.cacheExports().forEach(c -> cache.addExports(entry(c)));
    req.setCache(cache);
    req.addAllEntitlements(options.entitlements());
    req.putAllFrontendAttrs(options.frontendAttrs());
    return req;
  }

  private static CacheOptionsEntry entry(SolveOptions.CacheEntry c) {
    return CacheOptionsEntry.newBuilder().setType(c.type()).putAllAttrs(c.attrs()).build();
  }

  static String newRef() {
    return "kiln-" + UUID.randomUUID().toString().replace("-", "");
  }

  Map<String, String> run(SolveRequest.Builder req, Consumer<StatusResponse> progress) {
    return run(req, progress, new VertexLog());
  }

  /**
   * Runs the solve while following its status, merged into {@code vertices}, and tells the
   * connection's {@link StallWatch} a solve runs until its status has been read to the end.
   */
  Map<String, String> run(SolveRequest.Builder req, Consumer<StatusResponse> progress, VertexLog vertices) {
    CountDownLatch statusDone = new CountDownLatch(1);
    AtomicLong lastUpdate = new AtomicLong(System.nanoTime());
    Context.CancellableContext statusContext = Context.current().withCancellation();
    try (StallWatch.Solving solving = connection.solving()) {
      statusContext.run(() -> connection.control().status(
          StatusRequest.newBuilder().setRef(req.getRef()).build(),
          new StreamObserver<>() {
            @Override
            public void onNext(StatusResponse r) {
              lastUpdate.set(System.nanoTime());
              vertices.accept(r);
              progress.accept(r);
            }

            @Override
            public void onError(Throwable t) {
              statusDone.countDown();
            }

            @Override
            public void onCompleted() {
              statusDone.countDown();
            }
          }));
      try {
        SolveResponse resp = connection.control().solve(req.build());
        drain(statusDone, lastUpdate);
        return resp.getExporterResponseMap();
      } catch (StatusRuntimeException e) {
        drain(statusDone, lastUpdate); // the failed step's last lines may still be on their way
        throw BuildkitErrors.fromSolve(e, vertices, connection, registries);
      } finally {
        statusContext.cancel(null);
      }
    }
  }

  /**
   * Waits for the status stream to end: the engine ends it once it has sent everything, which can
   * be long after the solve returned when a step printed a lot. It gives up only when the stream
   * has been quiet for {@link #DRAIN_QUIET}: an engine that stopped is the {@link StallWatch}'s.
   */
  private static void drain(CountDownLatch statusDone, AtomicLong lastUpdate) {
    try {
      while (!statusDone.await(DRAIN_QUIET.toMillis(), TimeUnit.MILLISECONDS)) {
        if (System.nanoTime() - lastUpdate.get() >= DRAIN_QUIET.toNanos()) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
