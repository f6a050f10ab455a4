package dev.kiln.executor.exports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kiln.executor.SolveException;
import dev.kiln.model.ProjectRoot;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportSetTest {
  @TempDir Path base;
  Path project;
  Path outside;
  ProjectRoot root;

  @BeforeEach
  void dirs() throws Exception {
    project = Files.createDirectories(base.resolve("project"));
    outside = Files.createDirectories(base.resolve("outside"));
    root = ProjectRoot.of(project);
  }

  /** Stages {@code destination} with a file (or, when {@code dir}, a directory holding one) named {@code name}. */
  private Path receive(ExportSet set, String destination, String name, String text, boolean dir) throws Exception {
    Path staging = set.stage("export of /out/" + name, destination);
    Path item = staging.resolve(name);
    if (dir) {
      Files.createDirectories(item);
      Files.writeString(item.resolve("f.txt"), text);
    } else {
      Files.writeString(item, text);
    }
    set.received(staging, item);
    return staging;
  }

  private static List<String> names(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void replacesAFileAndADirectoryAndLeavesNothingBehind() throws Exception {
    Files.createDirectories(project.resolve("build/out/stale"));
    Files.writeString(project.resolve("build/app.jar"), "old");
    try (ExportSet set = new ExportSet(root)) {
      receive(set, "build/app.jar", "app.jar", "new", false);
      receive(set, "build/out", "out", "new", true);
      set.commit();
    }
    assertThat(Files.readString(project.resolve("build/app.jar"))).isEqualTo("new");
    assertThat(Files.readString(project.resolve("build/out/f.txt"))).isEqualTo("new");
    assertThat(project.resolve("build/out/stale")).doesNotExist();
    assertThat(names(project.resolve("build"))).containsExactly("app.jar", "out");
  }

  @Test
  void anExportThatProducedNothingLeavesWhatWasThereAndNoStaging() throws Exception {
    Files.createDirectories(project.resolve("out"));
    Files.writeString(project.resolve("out/old.txt"), "old");
    try (ExportSet set = new ExportSet(root)) {
      Path staging = set.stage("export of /src/out", "out");
      set.received(staging, staging.resolve("out")); // the engine sent nothing
      SolveException e = catchThrowableOfType(SolveException.class, set::commit);
      assertThat(e.getMessage()).isEqualTo("export of /src/out produced nothing");
    }
    assertThat(Files.readString(project.resolve("out/old.txt"))).isEqualTo("old");
    assertThat(names(project)).containsExactly("out");
  }

  @Test
  void aFileOntoADirectoryIsRefusedNamingBothAndNothingIsDeleted() throws Exception {
    Files.createDirectories(project.resolve("build/app"));
    Files.writeString(project.resolve("build/app/mine.txt"), "the user's");
    Files.writeString(project.resolve("build/other.txt"), "old");
    SolveException e;
    try (ExportSet set = new ExportSet(root)) {
      receive(set, "build/other.txt", "other.txt", "new", false);
      receive(set, "build/app", "app.jar", "new", false);
      e = catchThrowableOfType(SolveException.class, set::commit);
    }
    assertThat(e.getMessage()).isEqualTo("cannot write export of /out/app.jar to `build/app`: `build/app` is a"
        + " directory and the export is a file; nothing was changed");
    assertThat(e.hint()).hasValue("remove or rename `build/app`, or export to another path");
    assertThat(Files.readString(project.resolve("build/app/mine.txt"))).isEqualTo("the user's");
    assertThat(Files.readString(project.resolve("build/other.txt"))).as("the set did not land").isEqualTo("old");
    assertThat(names(project.resolve("build"))).containsExactly("app", "other.txt");
  }

  @Test
  void aDirectoryOntoAFileIsRefused() throws Exception {
    Files.createDirectories(project.resolve("build"));
    Files.writeString(project.resolve("build/site"), "a file");
    try (ExportSet set = new ExportSet(root)) {
      receive(set, "build/site", "site", "new", true);
      assertThat(catchThrowableOfType(SolveException.class, set::commit).getMessage())
          .contains("`build/site` is a file and the export is a directory");
    }
    assertThat(Files.readString(project.resolve("build/site"))).isEqualTo("a file");
  }

  @Test
  void aLinkAtTheDestinationIsReplacedNotWrittenThrough() throws Exception {
    Files.createDirectories(project.resolve("build/v1"));
    Files.writeString(project.resolve("build/v1/f.txt"), "v1");
    Files.createSymbolicLink(project.resolve("build/current"), Path.of("v1"));
    try (ExportSet set = new ExportSet(root)) {
      receive(set, "build/current", "current", "v2", true);
      set.commit();
    }
    assertThat(Files.isSymbolicLink(project.resolve("build/current"))).isFalse();
    assertThat(Files.readString(project.resolve("build/current/f.txt"))).isEqualTo("v2");
    assertThat(Files.readString(project.resolve("build/v1/f.txt"))).isEqualTo("v1");
  }

  @Test
  void aDestinationThroughALinkOutsideIsRefusedBeforeAnythingIsWritten() throws Exception {
    Files.createSymbolicLink(project.resolve("build"), Path.of("../outside"));
    try (ExportSet set = new ExportSet(root)) {
      SolveException e = catchThrowableOfType(SolveException.class, () -> set.stage("export of /x.txt", "build/x.txt"));
      assertThat(e.getMessage()).isEqualTo("cannot write export of /x.txt: `build/x.txt` leads outside the project, to "
          + outside.toRealPath().resolve("x.txt") + ", through the symbolic link `build` (-> `../outside`)");
    }
    assertThat(names(outside)).isEmpty();
  }

  @Test
  void aLinkMadeDuringTheRunIsNotFollowed() throws Exception {
    Path staging;
    try (ExportSet set = new ExportSet(root)) {
      staging = receive(set, "build/x.txt", "x.txt", "new", false);
      // the tree changes between staging and commit: build/ becomes a link to elsewhere
      Files.move(project.resolve("build"), project.resolve("moved"));
      Files.createSymbolicLink(project.resolve("build"), outside);
      assertThat(catchThrowableOfType(SolveException.class, set::commit).getMessage())
          .contains("leads outside the project");
    }
    assertThat(names(outside)).as("nothing written or deleted through the link").isEmpty();
    assertThat(names(project.resolve("moved"))).as("left for a later run, which removes it once this one is gone")
        .containsExactly(staging.getFileName().toString());
  }

  @Test
  void resultsAreStagedAndLandWithTheExports() throws Exception {
    Files.createDirectories(project.resolve(".kiln/results/t"));
    Files.writeString(project.resolve(".kiln/results/t/old"), "gone after");
    try (ExportSet set = new ExportSet(root)) {
      set.stageResults("t", Map.of("version", "1.2.3"));
      receive(set, "build/x.txt", "x.txt", "new", false);
      set.commit();
    }
    assertThat(names(project.resolve(".kiln/results/t"))).containsExactly("version");
    assertThat(Files.readString(project.resolve(".kiln/results/t/version"))).isEqualTo("1.2.3");
  }

  @Test
  void kilnStateThatLinksOutsideIsNeverWrittenThrough() throws Exception {
    Files.createSymbolicLink(project.resolve(".kiln"), outside);
    try (ExportSet set = new ExportSet(root)) {
      SolveException e = catchThrowableOfType(SolveException.class, () -> set.stageResults("t", Map.of("v", "1")));
      assertThat(e.getMessage()).startsWith("cannot write the results of task t: `.kiln/results/t` leads outside"
          + " the project").contains("through the symbolic link `.kiln`");
    }
    assertThat(names(outside)).isEmpty();
  }

  @Test
  void aSwapThatFailsUndoesTheOthers() throws Exception {
    // A destination that is a mount point cannot be renamed aside (EBUSY): the second swap fails.
    Files.createDirectories(project.resolve("build/b"));
    Files.writeString(project.resolve("build/a.txt"), "old a");
    Path mount = project.resolve("build/b");
    Mounts.tmpfs(mount);
    try {
      Files.writeString(mount.resolve("f.txt"), "old b");
      SolveException e;
      try (ExportSet set = new ExportSet(root)) {
        receive(set, "build/a.txt", "a.txt", "new a", false);
        receive(set, "build/b", "b", "new b", true);
        e = catchThrowableOfType(SolveException.class, set::commit);
      }
      assertThat(e.getMessage()).startsWith("cannot write export of /out/b to `build/b`: Device or resource busy");
      assertThat(Files.readString(project.resolve("build/a.txt"))).as("the first swap undone").isEqualTo("old a");
      assertThat(Files.readString(mount.resolve("f.txt"))).isEqualTo("old b");
      assertThat(names(project.resolve("build"))).containsExactly("a.txt", "b");
    } finally {
      Mounts.unmount(mount);
    }
  }

  @Test
  void ioErrorsSayTheSystemsWordsAndTheDestination() {
    assertThat(IoFailure.of(new AccessDeniedException("/p/build/.kiln-export-1-2-x")).reason()).isEqualTo("Permission denied");
    assertThat(IoFailure.of(new FileSystemException("/p/f", null, "No space left on device")).reason())
        .isEqualTo("No space left on device");
    assertThat(IoFailure.of(new IOException("No space left on device")).reason()).isEqualTo("No space left on device");
  }

  @Test
  void anUnwritableDirectorySaysPermissionDeniedAndTheDestination() throws Exception {
    Path build = Files.createDirectories(project.resolve("build"));
    try (ExportSet set = new ExportSet(root)) {
      Path staging = set.stage("export of /out/app.jar", "build/app.jar");
      SolveException e = set.receiveFailed(staging, new AccessDeniedException(staging.resolve("app.jar").toString()));
      assertThat(e.getMessage()).isEqualTo("cannot write export of /out/app.jar to `build/app.jar`: Permission denied (build)");
      assertThat(e.hint()).hasValue("make the destination's directory writable for the user running kiln");
      e = set.receiveFailed(staging, new IOException("No space left on device"));
      assertThat(e.getMessage()).isEqualTo("cannot write export of /out/app.jar to `build/app.jar`: No space left on device (build)");
    }
    assertThat(names(build)).isEmpty();
  }
}
