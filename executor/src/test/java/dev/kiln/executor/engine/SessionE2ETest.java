package dev.kiln.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.executor.SolveException;
import dev.kiln.executor.filesync.FileSendService;
import dev.kiln.executor.filesync.FileSyncService;
import dev.kiln.planner.llb.Exec;
import dev.kiln.planner.llb.LocalOptions;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.Mounts;
import dev.kiln.planner.llb.Sources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The session on the real engine, over both tunnels: Docker's {@code POST /session} upgrade and
 * the {@code Control/Session} byte stream (which dockerd serves on /grpc too).
 */
class SessionE2ETest extends ConnectedE2E {
  @ParameterizedTest
  @EnumSource(Session.Builder.Transport.class)
  void theEngineFindsTheSessionAndKeepsItThroughHealthChecks(Session.Builder.Transport transport)
      throws Exception {
    try (Session session = Session.builder().transport(transport).sharedKey("kiln-e2e").start(engine)) {
      // BuildKit v0.8 checks the session's health every second and drops it on the first failure.
      Thread.sleep(2_500);
      assertThat(session.isOpen()).as("session open after health checks").isTrue();

      // A local source names the session. Without a FileSync service the engine finds the session
      // and says so at once; without a session it would wait and fail with "no active session".
      var local = Sources.local("ctx-" + UUID.randomUUID(), LocalOptions.NONE, "context");
      var def = new Marshaller().marshal(Sources.image(
              dev.kiln.planner.llb.ImageRef.parse("busybox:latest"), dev.kiln.planner.llb.Platform.LINUX_AMD64)
          .run(Exec.of("ls", "/ctx").withMount(Mounts.readonly("/ctx", local))).root())
          .withLocalSession(session.id()).toPb();
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> new Solver(engine).solve(def, SolveOptions.none().withSession(session.id()), r -> { }))
          .isInstanceOf(SolveException.class)
          .hasMessageContaining("no local sources enabled")
          .message().doesNotContain("no active session");
      assertThat((System.nanoTime() - t0) / 1_000_000).as("ms until the engine answered").isLessThan(4_000);
      assertThat(session.isOpen()).isTrue();
    }
  }

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Session.Builder.Transport.class)
  void filesTravelBothWaysThroughTheSession(Session.Builder.Transport transport) throws Exception {
    Path src = dir.resolve("src");
    Files.createDirectories(src);
    byte[] big = new byte[24 * 1024 * 1024];
    new Random(7).nextBytes(big);
    String marker = UUID.randomUUID().toString();
    Files.write(src.resolve("big.bin"), big);
    Files.writeString(src.resolve("marker"), marker);
    Path staging = dir.resolve("export");

    var out = Sources.image(dev.kiln.planner.llb.ImageRef.parse("busybox:latest"),
            dev.kiln.planner.llb.Platform.LINUX_AMD64)
        .run(Exec.of("sh", "-c", "cp /src/big.bin /out/big.bin && cat /src/marker > /out/marker")
            .withMount(Mounts.readonly("/src", Sources.local("src", LocalOptions.NONE, "src")))
            .withMount(Mounts.bind("/out", Sources.scratch())))
        .mount("/out");
    long t0 = System.nanoTime();
    try (Session session = Session.builder().transport(transport).sharedKey("kiln-e2e-" + transport)
        .addService(new FileSyncService(Map.of("src", src)).definition())
        .addService(new FileSendService(staging).bindService())
        .start(engine)) {
      new Solver(engine).solve(new Marshaller().marshal(out).withLocalSession(session.id()).toPb(),
          SolveOptions.none().withSession(session.id()).withExporter(new SolveOptions.Exporter("local", Map.of())),
          r -> { });
    }
    System.out.printf("24 MiB in and out, %s: %d ms%n", transport, (System.nanoTime() - t0) / 1_000_000);
    assertThat(Files.readString(staging.resolve("marker"))).isEqualTo(marker);
    assertThat(Files.mismatch(staging.resolve("big.bin"), src.resolve("big.bin"))).isEqualTo(-1L);
  }
}
