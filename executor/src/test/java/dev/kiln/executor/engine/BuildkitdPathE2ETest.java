package dev.kiln.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.executor.SolveException;
import dev.kiln.planner.llb.Exec;
import dev.kiln.planner.llb.ImageRef;
import dev.kiln.planner.llb.LocalOptions;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.Mounts;
import dev.kiln.planner.llb.Platform;
import dev.kiln.planner.llb.Sources;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kiln's standalone-buildkitd path ({@code unix://}, sessions over {@code Control/Session}) on the
 * real engine, reached through {@link FaultyRelay#dockerAsBuildkitd}.
 */
@Tag("e2e")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BuildkitdPathE2ETest {
  @TempDir static Path dir;
  static FaultyRelay relay;
  static BuildkitConnection engine;

  @BeforeAll
  static void connect() throws Exception {
    try (BuildkitConnection docker = Engines.connect()) {
      relay = FaultyRelay.dockerAsBuildkitd(dir.resolve("buildkitd.sock"), docker.address());
    }
    engine = EngineConnector.connect(relay.address(EngineAddress.Kind.UNIX).toString(), Map.of());
  }

  @AfterAll
  static void close() throws Exception {
    if (engine != null) {
      engine.close();
    }
    if (relay != null) {
      relay.close();
    }
  }

  @Test
  void probesAsBuildkitd() throws Exception {
    EngineInfo info = EngineProbe.probe(engine);
    assertThat(info.kind()).isEqualTo("buildkitd");
    assertThat(info.address()).isEqualTo(relay.address(EngineAddress.Kind.UNIX).toString());
    assertThat(info.llbCaps()).contains("exec.meta.base", "source.local");
    assertThat(info.workers()).isNotEmpty();
  }

  @Test
  void solvesAndReadsBack() {
    String marker = UUID.randomUUID().toString();
    var def = new Marshaller().marshal(Sources.image(ImageRef.parse("busybox:latest"), Platform.LINUX_AMD64)
        .run(Exec.of("sh", "-c", "mkdir -p /out && echo " + marker + " > /out/x")).root()).toPb();
    try (Gateway gw = Gateway.open(engine, SolveOptions.none(), r -> { })) {
      String ref = gw.solve(def, List.of());
      assertThat(new String(gw.readFile(ref, "/out/x"), StandardCharsets.UTF_8)).isEqualTo(marker + "\n");
    }
  }

  @Test
  void theSessionTravelsOverControlSession() throws Exception {
    try (Session session = Session.builder().sharedKey("kiln-e2e").start(engine)) {
      Thread.sleep(2_000); // BuildKit v0.8 health-checks every second; one failure drops the session
      assertThat(session.isOpen()).isTrue();
      var local = Sources.local("ctx-" + UUID.randomUUID(), LocalOptions.NONE, "context");
      var def = new Marshaller().marshal(Sources.image(ImageRef.parse("busybox:latest"), Platform.LINUX_AMD64)
          .run(Exec.of("ls", "/ctx").withMount(Mounts.readonly("/ctx", local))).root())
          .withLocalSession(session.id()).toPb();
      assertThatThrownBy(() -> new Solver(engine).solve(def, SolveOptions.none().withSession(session.id()), r -> { }))
          .isInstanceOf(SolveException.class)
          .hasMessageContaining("no local sources enabled");
    }
  }

  @Test
  void filesTravelBothWaysThroughTheControlSessionStream() throws Exception {
    Path src = dir.resolve("src");
    Files.createDirectories(src);
    byte[] big = new byte[24 * 1024 * 1024];
    new Random(42).nextBytes(big);
    String marker = UUID.randomUUID().toString();
    Files.write(src.resolve("big.bin"), big);
    Files.writeString(src.resolve("marker"), marker);
    Path staging = dir.resolve("export-" + marker);

    var local = Sources.local("src", LocalOptions.NONE, "src");
    var out = Sources.image(ImageRef.parse("busybox:latest"), Platform.LINUX_AMD64)
        .run(Exec.of("sh", "-c", "cp /src/big.bin /out/big.bin && cat /src/marker > /out/marker")
            .withMount(Mounts.readonly("/src", local))
            .withMount(Mounts.bind("/out", Sources.scratch())))
        .mount("/out");
    long t0 = System.nanoTime();
    try (Session session = Session.builder().sharedKey("kiln-e2e-stream")
        .addService(new dev.kiln.executor.filesync.FileSyncService(Map.of("src", src)).definition())
        .addService(new dev.kiln.executor.filesync.FileSendService(staging).bindService())
        .start(engine)) {
      new Solver(engine).solve(new Marshaller().marshal(out).withLocalSession(session.id()).toPb(),
          SolveOptions.none().withSession(session.id())
              .withExporter(new SolveOptions.Exporter("local", Map.of())), r -> { });
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("24 MiB in and out over Control/Session: %d ms%n", ms);
    assertThat(Files.readString(staging.resolve("marker"))).isEqualTo(marker);
    assertThat(Files.mismatch(staging.resolve("big.bin"), src.resolve("big.bin"))).isEqualTo(-1L);
  }
}
