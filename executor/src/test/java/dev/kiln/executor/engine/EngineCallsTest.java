package dev.kiln.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.executor.proto.control.ControlGrpc;
import dev.kiln.executor.proto.control.InfoRequest;
import dev.kiln.executor.proto.control.InfoResponse;
import dev.kiln.executor.proto.control.ListWorkersRequest;
import dev.kiln.executor.proto.control.ListWorkersResponse;
import dev.kiln.executor.proto.control.PruneRequest;
import dev.kiln.executor.proto.control.SolveRequest;
import dev.kiln.executor.proto.control.SolveResponse;
import dev.kiln.executor.proto.control.UsageRecord;
import dev.kiln.executor.proto.gateway.LLBBridgeGrpc;
import dev.kiln.executor.proto.gateway.ReadFileRequest;
import dev.kiln.executor.proto.gateway.ReadFileResponse;
import dev.kiln.executor.proto.gateway.ReturnRequest;
import dev.kiln.executor.proto.gateway.ReturnResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Deadlines and retries of the engine's clients against an in-process engine that fails on
 * purpose: read-only calls are retried while it is UNAVAILABLE, calls that change it never, and
 * every call ends at its deadline.
 */
class EngineCallsTest {
  /** Short deadlines and no back-off, so that the tests are quick. */
  private static final CallPolicy FAST = new CallPolicy(Duration.ofMillis(300), Duration.ofMillis(300),
      Duration.ofMillis(300), Duration.ofMillis(300), Duration.ofMillis(300), 3, Duration.ZERO, Duration.ofMillis(300),
      new CallPolicy.Liveness(Duration.ofMillis(300), Duration.ofMillis(300)));

  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private Server server;
  private ManagedChannel channel;

  private int calls(String method) {
    return calls.computeIfAbsent(method, k -> new AtomicInteger()).get();
  }

  /** Counts each call; the first {@code failures} calls of each method fail with {@code code}. */
  private int count(String method) {
    return calls.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet();
  }

  private void serve(Status.Code code, int failures) throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(new ControlGrpc.ControlImplBase() {
      @Override
      public void listWorkers(ListWorkersRequest request, StreamObserver<ListWorkersResponse> out) {
        answer(count("listWorkers"), failures, code, out, ListWorkersResponse.getDefaultInstance());
      }

      @Override
      public void info(InfoRequest request, StreamObserver<InfoResponse> out) {
        count("info"); // never answers
      }

      @Override
      public void solve(SolveRequest request, StreamObserver<SolveResponse> out) {
        answer(count("solve"), failures, code, out, SolveResponse.getDefaultInstance());
      }

      @Override
      public void prune(PruneRequest request, StreamObserver<UsageRecord> out) {
        answer(count("prune"), failures, code, out, UsageRecord.getDefaultInstance());
      }
    }).addService(new LLBBridgeGrpc.LLBBridgeImplBase() {
      @Override
      public void readFile(ReadFileRequest request, StreamObserver<ReadFileResponse> out) {
        answer(count("readFile"), failures, code, out, ReadFileResponse.getDefaultInstance());
      }

      @Override
      public void return_(ReturnRequest request, StreamObserver<ReturnResponse> out) {
        answer(count("return"), failures, code, out, ReturnResponse.getDefaultInstance());
      }
    }).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  private static <T> void answer(int call, int failures, Status.Code code, StreamObserver<T> out, T value) {
    if (call <= failures) {
      out.onError(code.toStatus().asRuntimeException());
    } else {
      out.onNext(value);
      out.onCompleted();
    }
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
      server.shutdownNow();
    }
  }

  @Test
  void readOnlyCallsAreRetriedWhileTheEngineIsUnavailable() throws Exception {
    serve(Status.Code.UNAVAILABLE, 2);
    new ControlClient(channel, FAST).listWorkers();
    assertThat(calls("listWorkers")).isEqualTo(3);
    new BridgeClient(channel, "build", FAST).readFile(ReadFileRequest.getDefaultInstance());
    assertThat(calls("readFile")).isEqualTo(3);
  }

  @Test
  void retriesStopAfterTheLastAttempt() throws Exception {
    serve(Status.Code.UNAVAILABLE, 10);
    assertThatThrownBy(() -> new ControlClient(channel, FAST).listWorkers())
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(calls("listWorkers")).isEqualTo(FAST.attempts());
  }

  @Test
  void otherFailuresAreNotRetried() throws Exception {
    serve(Status.Code.INTERNAL, 1);
    assertThatThrownBy(() -> new ControlClient(channel, FAST).listWorkers()).isInstanceOf(StatusRuntimeException.class);
    assertThat(calls("listWorkers")).isEqualTo(1);
  }

  @Test
  void callsThatChangeTheEngineAreNeverRetried() throws Exception {
    serve(Status.Code.UNAVAILABLE, 1);
    ControlClient control = new ControlClient(channel, FAST);
    assertThatThrownBy(() -> control.solve(SolveRequest.getDefaultInstance())).isInstanceOf(StatusRuntimeException.class);
    assertThatThrownBy(() -> control.prune(PruneRequest.getDefaultInstance()).forEachRemaining(r -> { }))
        .isInstanceOf(StatusRuntimeException.class);
    assertThatThrownBy(() -> new BridgeClient(channel, "build", FAST).return_(ReturnRequest.getDefaultInstance()))
        .isInstanceOf(StatusRuntimeException.class);
    assertThat(calls("solve")).isEqualTo(1);
    assertThat(calls("prune")).isEqualTo(1);
    assertThat(calls("return")).isEqualTo(1);
  }

  @Test
  void aCallThatIsNeverAnsweredEndsAtItsDeadline() throws Exception {
    serve(Status.Code.OK, 0);
    long start = System.nanoTime();
    assertThatThrownBy(() -> new ControlClient(channel, FAST).info())
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(calls("info")).as("a deadline is not retried").isEqualTo(1);
  }

  @Test
  void anInterruptDuringTheBackOffCancelsAndKeepsTheFlag() {
    CallPolicy slow = new CallPolicy(FAST.query(), FAST.read(), FAST.diskUsage(), FAST.prune(), FAST.solve(), 3,
        Duration.ofMinutes(1), FAST.answer(), FAST.liveness());
    AtomicInteger tries = new AtomicInteger();
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> slow.retrying(() -> {
        tries.incrementAndGet();
        throw Status.UNAVAILABLE.asRuntimeException();
      })).isInstanceOfSatisfying(StatusRuntimeException.class,
          e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED));
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(tries).hasValue(1);
  }

  @Test
  void theSolveDeadlineIsConfigurableAndEveryDeadlinePositive() {
    assertThat(CallPolicy.DEFAULT.withSolve(Duration.ofHours(1)).solve()).isEqualTo(Duration.ofHours(1));
    assertThat(CallPolicy.DEFAULT.solve()).isGreaterThanOrEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> CallPolicy.DEFAULT.withSolve(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }
}
