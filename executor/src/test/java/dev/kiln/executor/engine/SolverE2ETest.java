package dev.kiln.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kiln.executor.SolveException;
import dev.kiln.planner.llb.Definition;
import dev.kiln.planner.llb.Exec;
import dev.kiln.planner.llb.ImageRef;
import dev.kiln.planner.llb.LlbState;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.Platform;
import dev.kiln.planner.llb.Sources;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SolverE2ETest extends ConnectedE2E {
  static LlbState busybox() {
    return Sources.image(ImageRef.parse("busybox:latest"), Platform.LINUX_AMD64);
  }

  @Test
  void aSecondProbeTakesTheCapabilitiesFromTheCache(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    CapsCache cache = new CapsCache(dir, Clock.systemUTC());
    EngineInfo first = EngineProbe.probe(engine, cache);
    EngineInfo second = EngineProbe.probe(engine, cache);
    assertThat(first.sources()).containsEntry("llbCaps", "probed");
    assertThat(second.sources()).containsEntry("llbCaps", "cached");
    assertThat(second.llbCaps()).isEqualTo(first.llbCaps()).contains("exec.meta.base");
    assertThat(second.disabledCaps()).isEqualTo(first.disabledCaps());
    assertThat(EngineProbe.probe(engine).sources()).containsEntry("llbCaps", "probed");
  }

  @Test
  void solvesHandBuiltDefinitionAndReadsResultBack() {
    String marker = UUID.randomUUID().toString();
    LlbState written = busybox()
        .run(Exec.of("sh", "-c", "echo hello-" + marker + " > /greeting && mkdir -p /out && cp /greeting /out/x"))
        .root();
    var def = new Marshaller().marshal(written).toPb();
    try (Gateway gw = Gateway.open(engine, SolveOptions.none(), r -> { })) {
      String ref = gw.solve(def, List.of());
      assertThat(new String(gw.readFile(ref, "/out/x"), StandardCharsets.UTF_8))
          .isEqualTo("hello-" + marker + "\n");
      // the image's own files are there too: the exec ran on busybox
      assertThat(gw.readFile(ref, "/bin/busybox")).hasSizeGreaterThan(100_000);

      var entries = gw.readDir(ref, "/out", "");
      assertThat(entries).extracting(e -> e.getPath()).containsExactly("x");
      assertThat(entries.get(0).getSize()).isEqualTo(("hello-" + marker + "\n").length());
      var dir = gw.statFile(ref, "/out");
      assertThat(dir.getMode() & (1L << 31)).as("Go's ModeDir bit").isNotZero();
      assertThat(gw.statFile(ref, "/out/x").getMode() & 0777).isEqualTo(0644);
      assertThat(gw.readDir(ref, "/bin", "sh*")).extracting(e -> e.getPath()).contains("sh");
    }
  }

  @Test
  void readsAFileLargerThanOneGrpcMessageInRanges() throws Exception {
    String marker = UUID.randomUUID().toString();
    // 9 MiB plus a tail: more than Docker's and grpc-java's 4 MiB message limits, not a chunk multiple.
    var def = new Marshaller().marshal(busybox()
        .run(Exec.of("sh", "-c", "echo " + marker + " > /big && head -c 9437184 /dev/urandom >> /big && echo end >> /big"))
        .root()).toPb();
    try (Gateway gw = Gateway.open(engine, SolveOptions.none(), r -> { })) {
      String ref = gw.solve(def, List.of());
      byte[] data = gw.readFile(ref, "/big");
      assertThat(data.length).isEqualTo(marker.length() + 1 + 9_437_184 + 4);
      assertThat(new String(data, 0, marker.length(), StandardCharsets.UTF_8)).isEqualTo(marker);
      assertThat(new String(data, data.length - 4, 4, StandardCharsets.UTF_8)).isEqualTo("end\n");
    }
  }

  @Test
  void aFailingStepInGatewayModeReportsCommandAndExitCode() {
    String marker = UUID.randomUUID().toString();
    var def = new Marshaller().marshal(busybox().run(Exec.of("sh", "-c", "echo " + marker + "; exit 7")).root()).toPb();
    try (Gateway gw = Gateway.open(engine, SolveOptions.none(), r -> { })) {
      assertThatThrownBy(() -> gw.solve(def, List.of()))
          .isInstanceOfSatisfying(SolveException.class, e -> {
            assertThat(e.exitCode()).hasValue(7);
            assertThat(e.command()).hasValueSatisfying(c -> assertThat(c).contains(marker));
          });
    }
  }

  @Test
  void pingReportsLlbCapabilities() {
    try (Gateway gw = Gateway.open(engine, SolveOptions.none(), r -> { })) {
      var caps = gw.ping().getLLBCapsList().stream().map(c -> c.getID()).toList();
      assertThat(caps).contains("source.image", "exec.meta.base", "file.base", "source.local");
    }
  }

  @Test
  void cancellingTheContextStopsTheSolve() throws Exception {
    String marker = UUID.randomUUID().toString();
    var def = new Marshaller().marshal(
        busybox().run(Exec.of("sh", "-c", "echo " + marker + "; sleep 120")).root()).toPb();
    var started = new CountDownLatch(1);
    Context.CancellableContext ctx = Context.current().withCancellation();
    var result = new CompletableFuture<Throwable>();
    Thread t = new Thread(() -> ctx.run(() -> {
      try {
        new Solver(engine).solve(def, SolveOptions.none(), r -> {
          if (r.getLogsList().stream().anyMatch(l -> l.getMsg().toStringUtf8().contains(marker))) {
            started.countDown();
          }
        });
        result.complete(null);
      } catch (Throwable e) {
        result.complete(e);
      }
    }));
    t.start();
    assertThat(started.await(60, TimeUnit.SECONDS)).as("the command started").isTrue();
    long t0 = System.nanoTime();
    ctx.cancel(null);
    Throwable error = result.get(30, TimeUnit.SECONDS);
    long millis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(error).isInstanceOfSatisfying(SolveException.class, e -> assertThat(e.cancelled()).isTrue());
    assertThat(millis).as("ms from cancel to the solve's end").isLessThan(10_000);
  }

  @Test
  void failingCommandReportsCommandAndExitCode() {
    String marker = UUID.randomUUID().toString();
    LlbState failed = busybox().run(Exec.of("sh", "-c", "echo " + marker + "; echo about-to-fail; exit 3")).root();
    var def = new Marshaller().marshal(failed).toPb();
    List<String> seen = new ArrayList<>();

    assertThatThrownBy(() -> new Solver(engine).solve(def, SolveOptions.none(), r -> seen.add(r.toString())))
        .isInstanceOfSatisfying(SolveException.class, e -> {
          assertThat(e.exitCode()).hasValue(3);
          assertThat(e.getMessage()).contains("exit code 3").contains("exit 3");
          assertThat(e.command()).hasValueSatisfying(c -> assertThat(c).contains("sh -c").contains("exit 3"));
          assertThat(e.vertexDigest()).hasValueSatisfying(d -> assertThat(d).startsWith("sha256:"));
          assertThat(e.step()).isPresent();
          assertThat(e.cancelled()).isFalse();
          assertThat(e.logTail()).contains("about-to-fail");
        });
    assertThat(seen).isNotEmpty();
  }

  /**
   * A failing step's error through the executor's choke point: whatever the engine sends (Docker
   * 20.10 up to .25 sends no status details, only a message; newer engines the failing vertex and the
   * exit code as details), the error names the step, its command and exit code.
   */
  @Test
  void aFailingStepIsNamedWithItsCommandAndExitCodeOnBothSolvePaths() {
    String marker = UUID.randomUUID().toString();
    String step = "unit tests " + marker;
    Definition def = new Marshaller().marshal(busybox()
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
      assertThat(e).as(e == control ? "Control.Solve" : "the gateway's Solve").isInstanceOfSatisfying(SolveException.class, s -> {
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
