package dev.kiln.executor.filesync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listing order and contents fsutil's receiver validates. */
class FileTreeTest {
  @TempDir Path root;

  private List<String> paths(List<String> include, List<String> exclude) throws Exception {
    return FileTree.list(root, include, exclude).stream().map(e -> e.stat().getPath()).toList();
  }

  @Test
  void depthFirstWithNamesSortedBytewisePerDirectory() throws Exception {
    Files.createDirectories(root.resolve("a/b"));
    Files.createDirectories(root.resolve("a-b"));
    Files.writeString(root.resolve("a/b/f"), "1");
    Files.writeString(root.resolve("a-b/g"), "2");
    Files.writeString(root.resolve("B"), "3");
    Files.writeString(root.resolve("_"), "4");
    // '/' sorts after '-' as a byte, but fsutil walks directories: "a" and its children first.
    assertThat(paths(List.of(), List.of())).containsExactly("B", "_", "a", "a/b", "a/b/f", "a-b", "a-b/g");
  }

  @Test
  void includedFilesBringTheirParentsJustInTime() throws Exception {
    Files.createDirectories(root.resolve("src/main"));
    Files.createDirectories(root.resolve("docs"));
    Files.writeString(root.resolve("src/main/App.java"), "x");
    Files.writeString(root.resolve("src/notes.txt"), "x");
    Files.writeString(root.resolve("docs/a.md"), "x");
    assertThat(paths(List.of("**/*.java"), List.of())).containsExactly("src", "src/main", "src/main/App.java");
  }

  @Test
  void excludedDirectoriesAreSkippedUnlessAnExceptionReachesIn() throws Exception {
    Files.createDirectories(root.resolve("build/keep"));
    Files.writeString(root.resolve("build/keep/x"), "x");
    Files.writeString(root.resolve("build/y"), "y");
    assertThat(paths(List.of(), List.of("build"))).isEmpty();
    assertThat(paths(List.of(), List.of("build", "!build/keep"))).containsExactly("build", "build/keep", "build/keep/x");
  }

  @Test
  void statsCarryGoModesLinksAndHardlinks() throws Exception {
    Path run = root.resolve("run.sh");
    Files.writeString(run, "#!/bin/sh\n");
    Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-x---"));
    Files.createLink(root.resolve("run2.sh"), run);
    Files.createSymbolicLink(root.resolve("to-run"), Path.of("run.sh"));
    Files.createDirectory(root.resolve("d"));
    var entries = FileTree.list(root, List.of(), List.of());
    var byPath = new HashMap<String, FileTree.Entry>();
    entries.forEach(e -> byPath.put(e.stat().getPath(), e));

    assertThat(byPath.get("d").stat().getMode() & FileTree.GO_DIR).isNotZero();
    assertThat(byPath.get("run.sh").stat().getMode()).isEqualTo(0750);
    assertThat(byPath.get("run.sh").file()).isNotNull();
    assertThat(byPath.get("run2.sh").stat().getLinkname()).isEqualTo("run.sh"); // hardlink to the first path
    assertThat(byPath.get("run2.sh").stat().getSize()).isZero();
    assertThat(byPath.get("run2.sh").file()).isNull(); // not requestable
    assertThat(byPath.get("to-run").stat().getMode() & FileTree.GO_SYMLINK).isNotZero();
    assertThat(byPath.get("to-run").stat().getLinkname()).isEqualTo("run.sh");
    assertThat(byPath.get("run.sh").stat().getModTime())
        .isEqualTo(Files.getLastModifiedTime(run).to(TimeUnit.NANOSECONDS));
  }

  @Test
  void followPathsBringSymlinkTargetsThatIncludesMiss() throws Exception {
    Files.createDirectories(root.resolve("real/deep"));
    Files.writeString(root.resolve("real/deep/conf.yaml"), "x");
    Files.createDirectories(root.resolve("links"));
    Files.createSymbolicLink(root.resolve("links/conf"), Path.of("../real/deep/conf.yaml"));
    Files.createSymbolicLink(root.resolve("links/out"), Path.of("/etc/hostname"));
    assertThat(FileTree.list(root, List.of("links/conf"), List.of()).stream().map(e -> e.stat().getPath()))
        .containsExactly("links", "links/conf");
    assertThat(FileTree.list(root, List.of("links/conf", "links/out"), List.of(), List.of("links/conf", "links/out"))
        .stream().map(e -> e.stat().getPath()))
        .containsExactly("links", "links/conf", "links/out", "real", "real/deep", "real/deep/conf.yaml");
  }

  @Test
  void goModeBits() {
    assertThat(FileTree.goMode(0100644)).isEqualTo(0644);
    assertThat(FileTree.goMode(0040755)).isEqualTo(FileTree.GO_DIR | 0755);
    assertThat(FileTree.goMode(0120777)).isEqualTo(FileTree.GO_SYMLINK | 0777);
    assertThat(FileTree.goMode(0104755)).isEqualTo(FileTree.GO_SETUID | 0755);
    assertThat(FileTree.goMode(0041777)).isEqualTo(FileTree.GO_DIR | FileTree.GO_STICKY | 0777);
  }

  @Test
  void nestedGitignoresApplyWhereGitsRulesStandAndLaterPatternsCanStillReinclude() throws Exception {
    Files.createDirectories(root.resolve("svc/build/generated"));
    Files.createDirectories(root.resolve("svc/node_modules/x"));
    Files.writeString(root.resolve(".gitignore"), "*.log\n");
    Files.writeString(root.resolve("svc/.gitignore"), "build/\nnode_modules/\n!keep.log\n");
    Files.writeString(root.resolve("svc/a.log"), "x");
    Files.writeString(root.resolve("svc/keep.log"), "x");
    Files.writeString(root.resolve("svc/Main.java"), "x");
    Files.writeString(root.resolve("svc/build/generated/Api.java"), "x");
    Files.writeString(root.resolve("svc/build/out.bin"), "x");
    Files.writeString(root.resolve("svc/node_modules/x/i.js"), "x");
    String git = dev.kiln.planner.PathPatterns.GIT_RULES;
    assertThat(paths(List.of(), List.of(git))).containsExactly(
        ".gitignore", "svc", "svc/.gitignore", "svc/Main.java", "svc/keep.log");
    // a .kilnignore exception after git's rules sends what git leaves out, and nothing else beside it
    assertThat(paths(List.of(), List.of(git, "!svc/build/generated"))).containsExactly(
        ".gitignore", "svc", "svc/.gitignore", "svc/Main.java", "svc/build", "svc/build/generated",
        "svc/build/generated/Api.java", "svc/keep.log");
    // without the marker (withoutGitignore()), git's files are not read
    assertThat(paths(List.of(), List.of())).contains("svc/a.log", "svc/node_modules/x/i.js");
  }
}
