package dev.kiln.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportInstallerTest {
  @TempDir Path dir;

  @Test
  void replacesAFileAndLeavesNoStagingBehind() throws Exception {
    Path dest = dir.resolve("build/app.jar");
    Files.createDirectories(dest.getParent());
    Files.writeString(dest, "old");
    Path staging = ExportInstaller.staging(dest);
    Files.createDirectories(staging);
    Files.writeString(staging.resolve("app.jar"), "new");

    ExportInstaller.install(staging.resolve("app.jar"), dest);
    ExportInstaller.deleteTree(staging);

    assertThat(Files.readString(dest)).isEqualTo("new");
    try (var s = Files.list(dest.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("app.jar");
    }
  }

  @Test
  void swapsADirectoryWhole() throws Exception {
    Path dest = dir.resolve("out");
    Files.createDirectories(dest.resolve("stale"));
    Files.writeString(dest.resolve("stale/old.txt"), "old");
    Path staging = ExportInstaller.staging(dest);
    Files.createDirectories(staging.resolve("out/sub"));
    Files.writeString(staging.resolve("out/sub/new.txt"), "new");

    ExportInstaller.install(staging.resolve("out"), dest);

    assertThat(dest.resolve("stale")).doesNotExist();
    assertThat(Files.readString(dest.resolve("sub/new.txt"))).isEqualTo("new");
    try (var s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).allSatisfy(n -> assertThat(n).doesNotStartWith(".kiln-old-"));
    }
  }
}
