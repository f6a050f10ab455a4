package dev.kiln.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.kiln.executor.SolveException;
import dev.kiln.executor.proto.control.ControlGrpc;
import dev.kiln.executor.proto.control.SolveRequest;
import dev.kiln.executor.proto.control.SolveResponse;
import dev.kiln.executor.proto.control.StatusRequest;
import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.executor.proto.control.Vertex;
import dev.kiln.executor.proto.control.VertexLog;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A solve's status stream is read to its end, also when the engine sends it long after the solve
 * returned (as it does when a step printed a lot): the failure's tail is the step's real last
 * lines, its unterminated last line included. A fake engine answers the solve at once and sends
 * the status over 1.5 times {@link Solver#DRAIN_QUIET} (the old fixed wait after the solve).
 */
@Timeout(60)
class StatusDrainTest {
  private static final String DIGEST = "sha256:step";
  private static final int LINES = 75;

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private Server server;

  @AfterEach
  void stop() throws InterruptedException {
    timer.shutdownNow();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  /** The updates: the step starts, prints LINES lines and one without a newline, then fails. */
  private static List<StatusResponse> updates() {
    List<StatusResponse> out = new ArrayList<>();
    out.add(StatusResponse.newBuilder().addVertexes(Vertex.newBuilder().setDigest(DIGEST).setName("step")).build());
    for (int i = 1; i <= LINES; i++) {
      out.add(log("line-" + i + "\n"));
    }
    out.add(log("last-no-newline"));
    out.add(StatusResponse.newBuilder().addVertexes(Vertex.newBuilder().setDigest(DIGEST).setName("step")
        .setError("executor failed running [sh -c x]: exit code: 4")).build());
    return out;
  }

  private static StatusResponse log(String text) {
    return StatusResponse.newBuilder().addLogs(VertexLog.newBuilder().setVertex(DIGEST)
        .setMsg(ByteString.copyFrom(text, StandardCharsets.UTF_8))).build();
  }

  /** An engine whose solve ends at once ({@code failing} or not) and whose status trickles in afterwards. */
  private BuildkitConnection engine(boolean failing) throws Exception {
    List<StatusResponse> updates = updates();
    long every = Solver.DRAIN_QUIET.toMillis() * 3 / 2 / updates.size();
    server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(new ControlGrpc.ControlImplBase() {
          @Override
          public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
            for (int i = 0; i <= updates.size(); i++) {
              int n = i;
              timer.schedule(() -> {
                if (n == updates.size()) {
                  out.onCompleted();
                } else {
                  out.onNext(updates.get(n));
                }
              }, every * (i + 1), TimeUnit.MILLISECONDS);
            }
          }

          @Override
          public void solve(SolveRequest request, StreamObserver<SolveResponse> out) {
            if (failing) {
              out.onError(Status.UNKNOWN.withDescription("executor failed running [sh -c x]: exit code: 4")
                  .asRuntimeException());
            } else {
              out.onNext(SolveResponse.getDefaultInstance());
              out.onCompleted();
            }
          }
        }).build().start();
    return BuildkitConnection.open(EngineAddress.parse("tcp://127.0.0.1:" + server.getPort()));
  }

  @Test
  void everyUpdateIsReadAfterTheSolveReturns() throws Exception {
    List<StatusResponse> seen = new CopyOnWriteArrayList<>();
    try (BuildkitConnection c = engine(false)) {
      new Solver(c).run(Solver.request(SolveOptions.none()), seen::add);
    }
    assertThat(seen).containsExactlyElementsOf(updates());
  }

  @Test
  void aFailuresTailIsTheStepsRealLastLinesWithTheUnterminatedOne() throws Exception {
    try (BuildkitConnection c = engine(true)) {
      assertThatThrownBy(() -> new Solver(c).run(Solver.request(SolveOptions.none()), r -> { }))
          .isInstanceOfSatisfying(SolveException.class, e -> {
            assertThat(e.step()).hasValue("step");
            assertThat(e.exitCode()).hasValue(4);
            List<String> expected = new ArrayList<>();
            for (int i = LINES - dev.kiln.executor.engine.VertexLog.TAIL_LINES + 2; i <= LINES; i++) {
              expected.add("line-" + i);
            }
            expected.add("last-no-newline");
            assertThat(e.logTail()).containsExactlyElementsOf(expected);
          });
    }
  }
}
