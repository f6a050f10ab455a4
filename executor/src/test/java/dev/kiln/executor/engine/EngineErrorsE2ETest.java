package dev.kiln.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kiln.executor.SolveException;
import dev.kiln.planner.llb.Definition;
import dev.kiln.planner.llb.Exec;
import dev.kiln.planner.llb.Marshaller;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A failing step's error on the real engine, through the executor's choke point: whatever the
 * engine sends (Docker 20.10 up to .25 sends no status details, only a message; newer engines the
 * failing vertex and the exit code as details), the error names the step, its command and exit code.
 */
@Tag("e2e")
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class EngineErrorsE2ETest {
  static BuildkitConnection engine;

  @BeforeAll
  static void connect() {
    engine = Engines.connect();
  }

  @AfterAll
  static void close() {
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  void aFailingStepIsNamedWithItsCommandAndExitCodeOnBothSolvePaths() {
    String marker = UUID.randomUUID().toString();
    String step = "unit tests " + marker;
    Definition def = new Marshaller().marshal(SolverE2ETest.busybox()
        .run(Exec.of("sh", "-c", "echo " + marker + "; exit 9").withName(step)).root());

    // What the engine itself sends with the error, before any translation.
    var raw = catchThrowable(() -> engine.control().solve(
        Solver.request(SolveOptions.none()).setDefinition(def.toPb()).build()));
    assertThat(raw).isInstanceOf(StatusRuntimeException.class);
    EngineErrorDetails sent = EngineErrorDetails.of(raw);
    System.out.println("the engine sent " + (sent.equals(EngineErrorDetails.NONE) ? "no status details" : sent));
    if (sent.vertexDigest() != null) {
      assertThat(def.digests()).contains(sent.vertexDigest());
    }
    if (sent.exitCode() != null) {
      assertThat(sent.exitCode()).isEqualTo(9);
    }

    var control = catchThrowable(() -> new Solver(engine).solve(def.toPb(), SolveOptions.none(), r -> { }));
    SolveException gateway;
    try (Gateway gw = Gateway.open(engine, SolveOptions.none(), r -> { })) {
      gateway = (SolveException) catchThrowable(() -> gw.solve(def.toPb(), List.of()));
    }

    for (Throwable e : List.of(control, gateway)) {
      assertThat(e).isInstanceOfSatisfying(SolveException.class, s -> {
        assertThat(s.step()).hasValue(step);
        assertThat(s.exitCode()).hasValue(9);
        assertThat(s.command()).hasValueSatisfying(c -> assertThat(c).contains("exit 9").contains(marker));
        assertThat(s.vertexDigest()).hasValueSatisfying(d -> assertThat(def.digests()).contains(d));
        assertThat(s.getMessage()).startsWith("command failed with exit code 9: ");
        assertThat(s.logTail()).contains(marker);
        assertThat(s.cancelled()).isFalse();
      });
    }
  }
}
