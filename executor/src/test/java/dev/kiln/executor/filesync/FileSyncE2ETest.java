package dev.kiln.executor.filesync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.executor.engine.BuildkitConnection;
import dev.kiln.executor.engine.Engines;
import dev.kiln.executor.engine.Gateway;
import dev.kiln.executor.engine.Session;
import dev.kiln.executor.engine.SolveOptions;
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
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("e2e")
class FileSyncE2ETest {
  @TempDir Path src;

  @Test
  void smallDirectoryArrives() throws Exception {
    Files.writeString(src.resolve("hello.txt"), "hi there\n");
    try (BuildkitConnection c = Engines.connect();
        Session s = Session.builder().sharedKey("e2e-small")
            .addService(new FileSyncService(Map.of("ctx", src)).definition()).start(c);
        Gateway gw = Gateway.open(c, SolveOptions.none().withSession(s.id()), r -> { })) {
      var local = Sources.local("ctx", LocalOptions.NONE, "ctx");
      var state = Sources.image(ImageRef.parse("busybox:latest"), Platform.LINUX_AMD64)
          .run(Exec.of("sh", "-c", "mkdir -p /out && cat /src/hello.txt > /out/copy")
              .withMount(Mounts.readonly("/src", local))).root();
      var def = new Marshaller().marshal(state).withLocalSession(s.id()).toPb();
      String ref = gw.solve(def, List.of());
      assertThat(new String(gw.readFile(ref, "/out/copy"), StandardCharsets.UTF_8)).isEqualTo("hi there\n");
    }
  }

  @Test
  void aSecondSyncWithTheSameSharedKeySendsOnlyWhatChanged() throws Exception {
    for (int i = 0; i < 50; i++) {
      Files.writeString(src.resolve("f" + i + ".txt"), "content " + i);
    }
    String key = "e2e-incremental-" + UUID.randomUUID();
    assertThat(syncAndCount(key)).isEqualTo(50);
    Files.writeString(src.resolve("f7.txt"), "changed");
    assertThat(syncAndCount(key)).isEqualTo(1);
  }

  /** Syncs {@code src} into a step that reads every file; returns how many files the engine requested. */
  private long syncAndCount(String sharedKey) throws Exception {
    FileSyncService sync = new FileSyncService(Map.of("ctx", src));
    try (BuildkitConnection c = Engines.connect();
        Session s = Session.builder().sharedKey(sharedKey).addService(sync.definition()).start(c);
        Gateway gw = Gateway.open(c, SolveOptions.none().withSession(s.id()), r -> { })) {
      var local = Sources.local("ctx", LocalOptions.NONE.withSharedKeyHint("ctx"), "ctx");
      var state = Sources.image(ImageRef.parse("busybox:latest"), Platform.LINUX_AMD64)
          .run(Exec.of("sh", "-c", "mkdir -p /out && cat /src/* | md5sum > /out/sum")
              .withMount(Mounts.readonly("/src", local))).root();
      gw.solve(new Marshaller().marshal(state).withLocalSession(s.id()).toPb(), List.of());
    }
    return sync.filesSent();
  }
}
