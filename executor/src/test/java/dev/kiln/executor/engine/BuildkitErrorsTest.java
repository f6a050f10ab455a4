package dev.kiln.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.executor.EngineUnavailableException;
import dev.kiln.executor.SolveException;
import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.executor.proto.control.Vertex;
import io.grpc.Status;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

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
}
