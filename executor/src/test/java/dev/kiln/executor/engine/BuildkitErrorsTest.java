package dev.kiln.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.kiln.executor.CancelledException;
import dev.kiln.executor.EngineException;
import dev.kiln.executor.EngineUnavailableException;
import dev.kiln.executor.SolveException;
import dev.kiln.executor.auth.DockerCredentials;
import dev.kiln.executor.auth.RegistryCredentialsException;
import dev.kiln.executor.proto.control.ControlGrpc;
import dev.kiln.executor.proto.control.SolveRequest;
import dev.kiln.executor.proto.control.SolveResponse;
import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.executor.proto.control.Vertex;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildkitErrorsTest {
  private static final EngineAddress DOCKER =
      new EngineAddress(EngineAddress.Kind.DOCKER, Path.of("/var/run/docker.sock"), null, 0);

  @Test
  void readsCommandAndExitCodeInBothEngineDialects() {
    // BuildKit v0.8 (Docker 20.10)
    String old = "executor failed running [sh -c echo hi; exit 3]: exit code: 3";
    assertThat(BuildkitErrors.exitCode(old)).isEqualTo(3);
    assertThat(BuildkitErrors.command(old)).isEqualTo("sh -c echo hi; exit 3");
    // BuildKit v0.10 and later
    String now = "process \"/bin/sh -c make test\" did not complete successfully: exit code: 2";
    assertThat(BuildkitErrors.exitCode(now)).isEqualTo(2);
    assertThat(BuildkitErrors.command(now)).isEqualTo("/bin/sh -c make test");
    assertThat(BuildkitErrors.exitCode("failed to load cache key: not found")).isNull();
  }

  @Test
  void namesTheFailedVertexAndItsLastLines() {
    VertexLog log = new VertexLog();
    log.accept(StatusResponse.newBuilder()
        .addVertexes(Vertex.newBuilder().setDigest("sha256:a").setName("run tests"))
        .addLogs(dev.kiln.executor.proto.control.VertexLog.newBuilder().setVertex("sha256:a")
            .setMsg(com.google.protobuf.ByteString.copyFromUtf8("1 failed\nFAIL")))
        .addVertexes(Vertex.newBuilder().setDigest("sha256:b").setName("other").setError("context canceled"))
        .addVertexes(Vertex.newBuilder().setDigest("sha256:a")
            .setError("executor failed running [make test]: exit code: 2"))
        .build());
    var e = BuildkitErrors.fromSolve(Status.UNKNOWN
        .withDescription("failed to solve: executor failed running [make test]: exit code: 2")
        .asRuntimeException(), log, DOCKER);
    assertThat(e).isInstanceOfSatisfying(SolveException.class, s -> {
      assertThat(s.step()).hasValue("run tests");
      assertThat(s.vertexDigest()).hasValue("sha256:a");
      assertThat(s.command()).hasValue("make test");
      assertThat(s.exitCode()).hasValue(2);
      assertThat(s.logTail()).containsExactly("1 failed", "FAIL");
      assertThat(s.getMessage()).isEqualTo("command failed with exit code 2: make test");
    });
  }

  @Test
  void aLostEngineAndACancelledSolveAreNotTaskFailures() {
    assertThat(BuildkitErrors.fromSolve(Status.UNAVAILABLE.withDescription("io exception").asRuntimeException(),
        new VertexLog(), DOCKER))
        .isInstanceOf(EngineUnavailableException.class)
        .hasMessageContaining("docker:///var/run/docker.sock: io exception");
    assertThat(BuildkitErrors.fromSolve(Status.CANCELLED.asRuntimeException(), new VertexLog(), DOCKER))
        .isInstanceOfSatisfying(SolveException.class, s -> assertThat(s.cancelled()).isTrue());
  }

  @Test
  void anEngineRejectionKeepsTheEnginesWords() {
    var e = BuildkitErrors.fromSolve(
        Status.UNKNOWN.withDescription("unknown API capability mergeop").asRuntimeException(),
        new VertexLog(), DOCKER);
    assertThat(e).isInstanceOfSatisfying(SolveException.class, s -> {
      assertThat(s.getMessage()).isEqualTo("unknown API capability mergeop");
      assertThat(s.exitCode()).isEmpty();
      assertThat(s.cancelled()).isFalse();
    });
  }

  @Test
  void anOversizedMessageSaysWhyAndWhatToDo() {
    var e = BuildkitErrors.fromSolve(Status.RESOURCE_EXHAUSTED
        .withDescription("grpc: received message larger than max (5242880 vs. 4194304)").asRuntimeException(),
        new VertexLog(), DOCKER);
    assertThat(e).isInstanceOfSatisfying(SolveException.class, s -> {
      assertThat(s.getMessage()).contains("too large").contains("5242880 vs. 4194304");
      assertThat(s.hint()).hasValueSatisfying(h -> assertThat(h).contains("Docker 27"));
    });
  }

  @Test
  void theFailingStepComesFromTheStatusDetailsWhenTheEngineSendsThem() throws Exception {
    // What BuildKit v0.12+ sends for a failed exec: JSON details in grpc-status-details-bin, and a
    // message that names no exit code; the status stream says another vertex failed too.
    com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
        .setCode(Status.Code.UNKNOWN.value())
        .setMessage("failed to solve: the step did not complete")
        .addDetails(detail("stack.Stack+json", "{\"frames\":[{\"Name\":\"main\"}],\"pid\":1}"))
        .addDetails(detail("errdefs.Vertex+json", "{\"digest\":\"sha256:b\"}"))
        .addDetails(detail("gatewayapi.ExitMessage+json", "{\"Code\":42}"))
        .addDetails(detail("errdefs.Solve+json",
            "{\"inputIDs\":[\"in0\"],\"op\":{\"exec\":{\"meta\":{\"args\":[\"make\",\"test\"],\"cwd\":\"/src\"}}}}"))
        .build();
    VertexLog log = new VertexLog();
    log.accept(StatusResponse.newBuilder()
        .addVertexes(Vertex.newBuilder().setDigest("sha256:a").setName("fetch").setError("context canceled"))
        .addVertexes(Vertex.newBuilder().setDigest("sha256:b").setName("run tests"))
        .addLogs(dev.kiln.executor.proto.control.VertexLog.newBuilder().setVertex("sha256:b")
            .setMsg(ByteString.copyFromUtf8("FAIL: 3 tests")))
        .build());

    var e = BuildkitErrors.fromSolve(solveFailingWith(status), log, DOCKER);

    assertThat(e).isInstanceOfSatisfying(SolveException.class, s -> {
      assertThat(s.vertexDigest()).hasValue("sha256:b");
      assertThat(s.step()).hasValue("run tests");
      assertThat(s.exitCode()).hasValue(42);
      assertThat(s.command()).hasValue("make test");
      assertThat(s.logTail()).containsExactly("FAIL: 3 tests");
      assertThat(s.getMessage()).isEqualTo("command failed with exit code 42: make test");
    });
  }

  @Test
  void aFailedStepsResultIdsAreReadFromItsSolveErrorForTheDebugShell() throws Exception {
    com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
        .setCode(Status.Code.UNKNOWN.value()).setMessage("failed")
        .addDetails(detail("errdefs.Vertex+json", "{\"digest\":\"sha256:b\"}"))
        .addDetails(detail("errdefs.Solve+json", "{\"inputIDs\":[\"in0\",\"in1\",\"\"],"
            + "\"mountIDs\":[\"out0\",\"\",\"\"],\"op\":{\"exec\":{\"meta\":{\"args\":[\"make\"]}}}}"))
        .build();

    EngineErrorDetails details = EngineErrorDetails.of(solveFailingWith(status));
    FailedStep failed = new FailedStep(details.vertexDigest(), details.mountIds(), details.inputIds());

    assertThat(details.mountIds()).containsExactly("out0", "", "");
    assertThat(details.inputIds()).containsExactly("in0", "in1", "");
    // The state after the failure where there is one; a read-only input as it was; nothing for a cache.
    assertThat(List.of(failed.mountAfter(0), failed.mountAfter(1), failed.mountAfter(2), failed.mountAfter(3)))
        .containsExactly("out0", "in1", "", "");
    assertThat(EngineErrorDetails.NONE.mountIds()).isEmpty();
  }

  @Test
  void theFailedExecIsReadFromTheJsonFormOfBuildkit016AndLater() {
    // BuildKit v0.16+ marshals pb.Op with its own MarshalJSON (solver/pb/json.go): the oneof under "Op".
    com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
        .setCode(Status.Code.UNKNOWN.value()).setMessage("failed")
        .addDetails(detail("errdefs.Solve+json", "{\"inputIDs\":[\"in0\"],\"mountIDs\":[\"out0\"],"
            + "\"op\":{\"inputs\":[{\"digest\":\"sha256:a\"}],\"Op\":{\"exec\":{\"meta\":{\"args\":[\"make\","
            + "\"test\"]}}},\"platform\":{\"Architecture\":\"amd64\",\"OS\":\"linux\"}}}"))
        .build();
    EngineErrorDetails details = EngineErrorDetails.decode(status);
    assertThat(details.command()).containsExactly("make", "test");
    assertThat(details.mountIds()).containsExactly("out0");
    assertThat(details.unread()).isEmpty();
  }

  @Test
  void detailsKilnDoesNotReadAreKeptByTypeAndBrokenOnesAreNotFatal() throws Exception {
    com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
        .setCode(Status.Code.UNKNOWN.value()).setMessage("failed")
        .addDetails(detail("errdefs.Source+json", "{\"info\":{\"filename\":\"Dockerfile\"}}"))
        .addDetails(detail("errdefs.Vertex+json", "not json"))
        .build();

    EngineErrorDetails details = EngineErrorDetails.of(solveFailingWith(status));

    assertThat(details.vertexDigest()).isNull();
    assertThat(details.unread()).containsExactly("github.com/moby/buildkit/errdefs.Source+json",
        EngineErrorDetails.VERTEX);
    assertThat(EngineErrorDetails.of(Status.UNKNOWN.withDescription("x").asRuntimeException()))
        .isEqualTo(EngineErrorDetails.NONE);
  }

  @Test
  void aCallOutsideASolveIsNeverARawGrpcError() {
    assertThat(BuildkitErrors.fromCall(Status.UNAVAILABLE.withDescription("connection refused").asRuntimeException(),
        "reading the engine's disk usage", null, DOCKER, null))
        .isInstanceOfSatisfying(EngineUnavailableException.class, u -> {
          assertThat(u.getMessage()).contains("reading the engine's disk usage")
              .contains("docker:///var/run/docker.sock: connection refused");
          assertThat(u.hint()).hasValueSatisfying(h -> assertThat(h).contains("kiln engine info"));
        });
    assertThat(BuildkitErrors.fromCall(Status.DEADLINE_EXCEEDED.asRuntimeException(), "pruning", null, DOCKER, null))
        .isInstanceOf(EngineUnavailableException.class).hasMessageContaining("did not answer in time");
    assertThat(BuildkitErrors.fromCall(Status.CANCELLED.asRuntimeException(), "pruning", null, DOCKER, null))
        .isInstanceOf(CancelledException.class);
    assertThat(BuildkitErrors.fromCall(Status.INTERNAL.withDescription("no space left on device").asRuntimeException(),
        "resolving image busybox:latest", "check the image name", DOCKER, null))
        .isInstanceOfSatisfying(EngineException.class, x -> {
          assertThat(x.getMessage()).isEqualTo("resolving image busybox:latest failed: no space left on device");
          assertThat(x.hint()).hasValue("check the image name");
        });
  }

  @Test
  void anUnansweredSolveIsAnUnreachableEngine() {
    assertThat(BuildkitErrors.fromSolve(Status.DEADLINE_EXCEEDED.asRuntimeException(), new VertexLog(), DOCKER))
        .isInstanceOf(EngineUnavailableException.class)
        .hasMessageContaining("did not answer in time (the solve)");
  }

  @Test
  void aFailureReportedAfterTheCallReturnedIsStillAwaited() throws Exception {
    VertexLog log = new VertexLog();
    Thread late = new Thread(() -> {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
      log.accept(StatusResponse.newBuilder()
          .addVertexes(Vertex.newBuilder().setDigest("sha256:a").setName("test").setError("exit code: 1")).build());
    });
    late.start();
    long t0 = System.nanoTime();
    log.awaitFailure(Duration.ofSeconds(10));
    assertThat(log.failed()).isEqualTo("sha256:a");
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
    late.join();

    VertexLog quiet = new VertexLog();
    quiet.awaitFailure(Duration.ofMillis(50));
    assertThat(quiet.failed()).isNull();
  }

  @Test
  void aRegistryThatTurnedTheEngineDownIsSaidWithTheStepAndWhatToDo(@TempDir Path dir) throws Exception {
    DockerCredentials credentials = credentials(dir, "{\"auths\":{\"127.0.0.1:5001\":{\"auth\":\""
        + Base64.getEncoder().encodeToString("kiln:hunter2".getBytes(StandardCharsets.UTF_8)) + "\"}}}");
    VertexLog log = new VertexLog();
    String pull = "docker-image://127.0.0.1:5001/app:1";
    log.accept(StatusResponse.newBuilder()
        .addVertexes(Vertex.newBuilder().setDigest("sha256:p").setName(pull))
        .addLogs(dev.kiln.executor.proto.control.VertexLog.newBuilder().setVertex("sha256:p")
            .setMsg(ByteString.copyFromUtf8("resolving")))
        .addVertexes(Vertex.newBuilder().setDigest("sha256:p").setError("failed to authorize: failed to fetch"
            + " anonymous token: unexpected status: 401 Unauthorized from https://127.0.0.1:5001/token"))
        .build());
    var e = BuildkitErrors.fromSolve(Status.UNKNOWN.withDescription("failed to solve: " + pull
        + ": failed to authorize: 401 Unauthorized").asRuntimeException(), log, DOCKER, credentials);
    assertThat(e).isInstanceOfSatisfying(SolveException.class, s -> {
      assertThat(s.getMessage()).startsWith("registry 127.0.0.1:5001 refused the credentials of user `kiln`")
          .doesNotContain("hunter2");
      assertThat(s.hint()).hasValueSatisfying(h -> assertThat(h).contains("docker login 127.0.0.1:5001"));
      assertThat(s.step()).hasValue(pull);
      assertThat(s.logTail()).containsExactly("resolving");
    });
    // A failed command that prints "401" is still the command's failure.
    var command = BuildkitErrors.fromSolve(Status.UNKNOWN.withDescription(
        "executor failed running [sh -c curl https://127.0.0.1:5001/ 401]: exit code: 22").asRuntimeException(),
        new VertexLog(), DOCKER, credentials);
    assertThat(command).hasMessage("command failed with exit code 22: sh -c curl https://127.0.0.1:5001/ 401");
  }

  @Test
  void resolvingAnImageSaysWhichRegistryAndWhyWhenItTurnedTheEngineDown(@TempDir Path dir) throws Exception {
    var unauthorized = Status.UNKNOWN.withDescription("pulling from host 127.0.0.1:5002 failed with status code"
        + " [manifests 1]: 401 Unauthorized").asRuntimeException();
    DockerCredentials none = credentials(dir, "{}");
    assertThat(BuildkitErrors.fromResolve(unauthorized, "127.0.0.1:5002/base:1", none, DOCKER, null))
        .isInstanceOfSatisfying(EngineException.class, x -> {
          assertThat(x.getMessage()).startsWith("resolving image 127.0.0.1:5002/base:1 failed: registry 127.0.0.1:5002"
              + " asks for credentials, and none are configured for it");
          assertThat(x.hint()).hasValueSatisfying(h -> assertThat(h).contains("docker login 127.0.0.1:5002")
              .doesNotContain("image name"));
        });
    // Docker's configuration that could not answer for the registry is that error, not the engine's words.
    DockerCredentials broken = credentials(dir, "{\"credHelpers\":{\"127.0.0.1:5002\":\"kilnabsent\"}}");
    broken.answer("127.0.0.1:5002");
    assertThat(BuildkitErrors.fromResolve(unauthorized, "127.0.0.1:5002/base:1", broken, DOCKER, null))
        .isInstanceOf(RegistryCredentialsException.class).hasMessageContaining("docker-credential-kilnabsent");
    assertThat(BuildkitErrors.fromResolve(Status.UNKNOWN.withDescription("docker.io/library/nope:1: not found")
        .asRuntimeException(), "nope:1", none, DOCKER, null))
        .isInstanceOfSatisfying(EngineException.class, x -> assertThat(x.hint()).hasValueSatisfying(
            h -> assertThat(h).contains("check the image name")));
  }

  private static DockerCredentials credentials(Path dir, String json) throws Exception {
    Path file = Files.writeString(dir.resolve("config-" + json.hashCode() + ".json"), json);
    return DockerCredentials.from(file, dir.resolve("bin").toString());
  }

  private static Any detail(String name, String json) {
    return Any.newBuilder().setTypeUrl("github.com/moby/buildkit/" + name)
        .setValue(ByteString.copyFromUtf8(json)).build();
  }

  /** The error a client gets from a Control service whose Solve fails with {@code status}. */
  private static StatusRuntimeException solveFailingWith(com.google.rpc.Status status) throws Exception {
    String name = InProcessServerBuilder.generateName();
    Server server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(new ControlGrpc.ControlImplBase() {
          @Override
          public void solve(SolveRequest request, StreamObserver<SolveResponse> response) {
            response.onError(StatusProto.toStatusRuntimeException(status));
          }
        }).build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    try {
      ControlGrpc.newBlockingStub(channel).solve(SolveRequest.getDefaultInstance());
      throw new AssertionError("the solve succeeded");
    } catch (StatusRuntimeException e) {
      return e;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
