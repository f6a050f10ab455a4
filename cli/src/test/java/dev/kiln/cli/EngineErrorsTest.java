package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.executor.proto.control.ControlGrpc;
import dev.kiln.executor.proto.control.DiskUsageRequest;
import dev.kiln.executor.proto.control.DiskUsageResponse;
import dev.kiln.executor.proto.control.PruneRequest;
import dev.kiln.executor.proto.control.UsageRecord;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a person reads when the engine answers with an error, through the whole CLI against a fake
 * engine on TCP: the engine's words and the exit code of its kind, never "internal error".
 */
class EngineErrorsTest {
  private Server engine;

  @BeforeEach
  void start() throws Exception {
    engine = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(new ControlGrpc.ControlImplBase() {
          @Override
          public void diskUsage(DiskUsageRequest request, StreamObserver<DiskUsageResponse> response) {
            response.onError(Status.INTERNAL.withDescription("no space left on device").asRuntimeException());
          }

          @Override
          public void prune(PruneRequest request, StreamObserver<UsageRecord> response) {
            response.onNext(UsageRecord.newBuilder().setID("a").setSize(1).build());
            response.onError(Status.UNAVAILABLE.withDescription("the daemon is shutting down").asRuntimeException());
          }
        }).build().start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    engine.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--engine";
    all[args.length + 1] = "tcp://127.0.0.1:" + engine.getPort();
    int exit = Kiln.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), all).execute(all);
    return new String[] {String.valueOf(exit), err.toString()};
  }

  @Test
  void anEngineErrorIsTheEnginesWordsAndATaskFailure() {
    String[] outcome = run("engine", "du");
    assertThat(outcome[1]).isEqualTo("kiln: error: reading the engine's disk usage failed: no space left on device\n");
    assertThat(outcome[0]).isEqualTo(String.valueOf(ExitCodes.TASK_FAILED));
  }

  @Test
  void anEngineLostInTheMiddleOfAStreamIsUnreachableWithItsAddress() {
    String[] outcome = run("engine", "prune");
    assertThat(outcome[1]).startsWith("kiln: error: lost the BuildKit engine during pruning the engine's build cache")
        .contains("tried tcp://127.0.0.1:" + engine.getPort() + ": the daemon is shutting down")
        .contains("hint: check that the engine is running").doesNotContain("internal error");
    assertThat(outcome[0]).isEqualTo(String.valueOf(ExitCodes.ENGINE_UNREACHABLE));
  }
}
