package dev.kiln.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.model.SourceLocation;
import dev.kiln.planner.DockerfileRequest;
import dev.kiln.planner.PlanException;
import dev.kiln.planner.llb.Definition;
import dev.kiln.planner.llb.LocalOptions;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.Platform;
import dev.kiln.planner.llb.Sources;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EngineDockerfilesTest {
  private static final Path PROJECT = Path.of("/nowhere/project");

  private static DockerfileRequest request(String target, Map<String, String> args) {
    Definition context = new Marshaller().marshal(Sources.local("app", LocalOptions.NONE, "host app"));
    return new DockerfileRequest(context, context, "docker/Dockerfile", target, args, Platform.parse("linux/arm64"),
        SourceLocation.of(Path.of("app/docker/Dockerfile")));
  }

  @Test
  void optionsUseTheFrontendsNames() {
    assertThat(EngineDockerfiles.options(request("runtime", Map.of("VERSION", "1.2", "A", "x"))))
        .containsExactly(Map.entry("build-arg:A", "x"), Map.entry("build-arg:VERSION", "1.2"),
            Map.entry("filename", "docker/Dockerfile"), Map.entry("platform", "linux/arm64"),
            Map.entry("target", "runtime"));
    assertThat(EngineDockerfiles.options(request("", Map.of()))).doesNotContainKey("target");
  }

  @Test
  void aParseErrorIsAtItsLineInTheDockerfile() {
    var e = SolveException.failed("failed to solve with frontend dockerfile.v0: failed to create LLB definition:"
        + " dockerfile parse error line 3: unknown instruction: FROBNICATE", null, null);
    RuntimeException error = EngineDockerfiles.dockerfileError(request("", Map.of()), e, PROJECT);
    assertThat(error).isInstanceOf(PlanException.class).hasMessage("unknown instruction: FROBNICATE");
    assertThat(((PlanException) error).location())
        .contains(new SourceLocation(Path.of("/nowhere/project/app/docker/Dockerfile"), 3, 0));
  }

  @Test
  void newerEnginesSayOnLine() {
    var e = SolveException.failed("dockerfile parse error on line 12: FROM requires either one or three arguments",
        null, null);
    var error = (PlanException) EngineDockerfiles.dockerfileError(request("", Map.of()), e, PROJECT);
    assertThat(error.getMessage()).isEqualTo("FROM requires either one or three arguments");
    assertThat(error.location().orElseThrow().line()).isEqualTo(12);
  }

  @Test
  void otherFrontendErrorsNameTheDockerfileWithoutTheFrontendsPrefix() {
    var e = SolveException.failed("failed to solve with frontend dockerfile.v0: failed to create LLB definition:"
        + " target stage nope could not be found", null, null);
    var error = (PlanException) EngineDockerfiles.dockerfileError(request("nope", Map.of()), e, PROJECT);
    assertThat(error.getMessage()).isEqualTo("the Dockerfile app/docker/Dockerfile could not be built: "
        + "failed to create LLB definition: target stage nope could not be found");
    assertThat(error.location().orElseThrow().line()).isZero();
  }

  @Test
  void aCancelledSolveStaysCancelled() {
    var e = SolveException.cancelled("cancelled", null);
    assertThat(EngineDockerfiles.dockerfileError(request("", Map.of()), e, PROJECT)).isSameAs(e);
  }

  @Test
  void aSyntaxImageThatCannotBeHadIsToldFromAnErrorInTheDockerfile() {
    assertThat(EngineDockerfiles.syntaxImageUnavailable(SolveException.failed("failed to solve with frontend"
        + " dockerfile.v0: failed to solve with frontend gateway.v0: failed to do request: Head"
        + " \"https://registry-1.docker.io/v2/docker/dockerfile/manifests/1.4\": dial tcp: lookup"
        + " registry-1.docker.io: no such host", null, null), Optional.empty())).isTrue();
    assertThat(EngineDockerfiles.syntaxImageUnavailable(SolveException.failed("failed to solve with frontend"
        + " dockerfile.v0: failed to solve with frontend gateway.v0: rpc error: code = Unknown desc ="
        + " dockerfile parse error line 3: unknown instruction: FROBNICATE", null, null), Optional.empty())).isFalse();
    // without a syntax line nothing is forwarded, whatever the error says
    assertThat(EngineDockerfiles.syntaxImageUnavailable(SolveException.failed("failed to solve with frontend"
        + " dockerfile.v0: failed to create LLB definition: pull access denied", null, null), Optional.empty())).isFalse();
    assertThat(EngineDockerfiles.syntaxImageUnavailable(SolveException.cancelled("frontend gateway.v0 not found",
        null), Optional.empty())).isFalse();
  }

  @Test
  void withTheDirectiveKnownOnlyAnErrorNamingItsImageFallsBack() {
    var syntax = Optional.of(new SyntaxDirective("docker/dockerfile:1.4"));
    assertThat(EngineDockerfiles.syntaxImageUnavailable(SolveException.failed("failed to solve with frontend"
        + " dockerfile.v0: failed to solve with frontend gateway.v0: failed to do request: Head"
        + " \"https://registry-1.docker.io/v2/docker/dockerfile/manifests/1.4\": dial tcp: lookup"
        + " registry-1.docker.io: no such host", null, null), syntax)).isTrue();
    assertThat(EngineDockerfiles.syntaxImageUnavailable(SolveException.failed("failed to solve with frontend"
        + " dockerfile.v0: failed to solve with frontend gateway.v0: docker.io/docker/dockerfile:1.4: not found",
        null, null), syntax)).isTrue();
    // the forwarded frontend ran, and its own build failed: a base image of the Dockerfile is missing
    assertThat(EngineDockerfiles.syntaxImageUnavailable(SolveException.failed("failed to solve with frontend"
        + " dockerfile.v0: failed to solve with frontend gateway.v0: rpc error: code = Unknown desc = failed to"
        + " load cache key: docker.io/library/no-such-base:latest: not found", null, null), syntax)).isFalse();
  }
}
