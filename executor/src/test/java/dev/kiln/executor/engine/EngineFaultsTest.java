package dev.kiln.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.executor.EngineUnavailableException;
import dev.kiln.executor.proto.control.ControlGrpc;
import dev.kiln.executor.proto.control.ListWorkersRequest;
import dev.kiln.executor.proto.control.ListWorkersResponse;
import dev.kiln.executor.proto.control.SolveRequest;
import dev.kiln.executor.proto.control.SolveResponse;
import dev.kiln.executor.proto.control.StatusRequest;
import dev.kiln.executor.proto.control.StatusResponse;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of the engine itself, against fake engines in-process: one that takes connections and
 * never says a word, one that speaks gRPC but stops answering in the middle of a solve, and one
 * that goes away. Each ends in {@link EngineUnavailableException} within its bound; a long quiet
 * step of an engine that still answers is not a fault.
 */
@Timeout(120)
class EngineFaultsTest {
  /**
   * Liveness fifty times quicker than Kiln's; a connection's first answer may take 5 s, which a
   * loaded machine needs (300 ms were not enough at a load of 14 on 2 cores).
   */
  private static final CallPolicy QUICK = new CallPolicy(Duration.ofSeconds(5),
      new CallPolicy.Liveness(Duration.ofMillis(200), Duration.ofMillis(300)));
  /** A first answer within 300 ms, for an engine that never gives one. */
  private static final CallPolicy IMPATIENT = new CallPolicy(Duration.ofMillis(300), QUICK.liveness());

  @TempDir Path dir;
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private Server server;
  /** Counts down when the fake engine gets a Solve. */
  private final CountDownLatch solveArrived = new CountDownLatch(1);

  @AfterEach
  void stop() throws Exception {
    timer.shutdownNow();
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  /** A socket whose owner takes every connection (the kernel would, for a stopped one) and never reads it. */
  private Path mute() throws IOException {
    Path socket = dir.resolve("mute.sock");
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    open.add(server);
    Thread t = new Thread(() -> {
      try {
        while (true) {
          SocketChannel c = server.accept();
          open.add(c);
        }
      } catch (IOException e) {
        // closed
      }
    });
    t.setDaemon(true);
    t.start();
    return socket;
  }

  /**
   * A gRPC engine whose solve takes {@code solveMillis} (forever if negative) and sends no status;
   * it answers ListWorkers only when {@code alive}.
   */
  private EngineAddress engine(long solveMillis, boolean alive) throws IOException {
    server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(new ControlGrpc.ControlImplBase() {
          @Override
          public void listWorkers(ListWorkersRequest request, StreamObserver<ListWorkersResponse> out) {
            if (alive) {
              out.onNext(ListWorkersResponse.getDefaultInstance());
              out.onCompleted();
            }
          }

          @Override
          public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
            // a step that prints nothing: no update until the solve ends
          }

          @Override
          public void solve(SolveRequest request, StreamObserver<SolveResponse> out) {
            solveArrived.countDown();
            if (solveMillis >= 0) {
              timer.schedule(() -> {
                out.onNext(SolveResponse.getDefaultInstance());
                out.onCompleted();
              }, solveMillis, TimeUnit.MILLISECONDS);
            }
          }
        }).build().start();
    Server started = server;
    open.add(() -> started.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return EngineAddress.parse("tcp://127.0.0.1:" + server.getPort());
  }

  private static Map<String, String> solve(BuildkitConnection c) {
    return new Solver(c).run(Solver.request(SolveOptions.none()), r -> { });
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  void anEngineThatTakesConnectionsButNeverSpeaksIsUnreachableAfterTheAnswerBound() throws Exception {
    Path socket = mute();
    for (String address : List.of("unix://" + socket, "docker://" + socket)) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> EngineConnector.connect(address, Map.of(), IMPATIENT))
          .isInstanceOf(EngineUnavailableException.class)
          .hasMessageContaining("no BuildKit engine answered")
          .hasMessageContaining("tried " + address)
          .hasMessageContaining(": accepted the connection but sent nothing within 300 ms (stopped or hung?)");
      assertThat(millisSince(start)).as(address).isLessThan(10_000);
    }
  }

  @Test
  void anEngineThatStopsAnsweringDuringASolveIsFoundStalled() throws Exception {
    try (BuildkitConnection c = BuildkitConnection.open(engine(-1, false), QUICK)) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> solve(c))
          .isInstanceOfSatisfying(EngineUnavailableException.class, e -> assertThat(e.getMessage())
              .startsWith("the BuildKit engine stopped answering: nothing came from it for 200 ms during a solve, "
                  + "and it left a health check (ListWorkers) unanswered for 300 ms")
              .contains("tried tcp://127.0.0.1:"))
          .satisfies(e -> assertThat(((EngineUnavailableException) e).hint().orElseThrow()).contains("stopped (SIGSTOP)"));
      // silence + probe, and the watch's own period
      assertThat(millisSince(start)).isBetween(450L, 15_000L);
      assertThatThrownBy(() -> Session.builder().start(c)).as("nothing new starts on a stalled engine")
          .isInstanceOf(EngineUnavailableException.class);
    }
  }

  @Test
  void aLongQuietStepOfAnEngineThatAnswersIsNotAStall() throws Exception {
    try (BuildkitConnection c = BuildkitConnection.open(engine(2_000, true), QUICK)) {
      long start = System.nanoTime();
      assertThat(solve(c)).isEmpty();
      assertThat(millisSince(start)).isGreaterThanOrEqualTo(2_000L); // ten silences and probes long
    }
  }

  @Test
  void anEngineThatGoesAwayDuringASolveIsLostAtOnce() throws Exception {
    try (FaultyRelay relay = new FaultyRelay(dir.resolve("relay.sock"), engine(-1, true));
        BuildkitConnection c = BuildkitConnection.open(relay.address(EngineAddress.Kind.UNIX), CallPolicy.DEFAULT)) {
      long[] cutAt = new long[1];
      timer.execute(() -> {
        try {
          solveArrived.await();
          cutAt[0] = System.nanoTime();
          relay.cut();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      assertThatThrownBy(() -> solve(c)).isInstanceOf(EngineUnavailableException.class)
          .hasMessageContaining("lost the BuildKit engine during the solve");
      assertThat(millisSince(cutAt[0])).isLessThan(3_000L); // not a deadline, not a probe: the closed socket
    }
  }
}
