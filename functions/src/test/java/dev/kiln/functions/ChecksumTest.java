package dev.kiln.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksumTest {
  // printf abc | sha256sum ; printf '' | sha256sum
  static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @TempDir Path project;
  @TempDir Path outside;

  @Test
  void sha256OfAProjectFileIsADependency() throws Exception {
    Files.createDirectories(project.resolve("src"));
    Files.writeString(project.resolve("src/abc.txt"), "abc");
    Files.writeString(project.resolve("empty"), "");
    TestContext context = new TestContext(project);
    assertThat(new ChecksumSha256().call(Arguments.of(Map.of("path", "src/abc.txt")), context)).isEqualTo(ABC);
    assertThat(new ChecksumSha256().call(Arguments.of(Map.of("path", "empty")), context)).isEqualTo(EMPTY);
    assertThat(context.dependencies).containsExactly(project.resolve("src/abc.txt"), project.resolve("empty"));
  }

  @Test
  void sha256StreamsLargeFiles() throws Exception {
    byte[] big = new byte[1_000_003];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) i;
    }
    Files.write(project.resolve("big.bin"), big);
    assertThat(new ChecksumSha256().call(Arguments.of(Map.of("path", "big.bin")), new TestContext(project)))
        .isEqualTo(Sha256.of(big));
  }

  @Test
  void sha256RefusesMissingFilesDirectoriesAndPathsOutsideTheProject() throws Exception {
    Files.createDirectories(project.resolve("dir"));
    Files.writeString(outside.resolve("secret"), "x");
    Files.createSymbolicLink(project.resolve("link"), outside.resolve("secret"));
    TestContext context = new TestContext(project);
    assertThatThrownBy(() -> new ChecksumSha256().call(Arguments.of(Map.of("path", "nope.txt")), context))
        .isInstanceOf(FunctionException.class)
        .hasMessage("nope.txt does not exist (paths are relative to the project root, " + context.root + ")");
    assertThat(context.dependencies).containsExactly(project.resolve("nope.txt"));
    assertThatThrownBy(() -> new ChecksumSha256().call(Arguments.of(Map.of("path", "dir")), context))
        .hasMessage("dir is a directory, not a file");
    assertThatThrownBy(() -> new ChecksumSha256().call(Arguments.of(Map.of("path", "../x")), context))
        .hasMessage("path ../x is outside the project root");
    assertThatThrownBy(() -> new ChecksumSha256().call(Arguments.of(Map.of("path", outside.resolve("secret").toString())), context))
        .hasMessageContaining("is absolute");
    assertThatThrownBy(() -> new ChecksumSha256().call(Arguments.of(Map.of("path", "link")), context))
        .hasMessageContaining("leads outside the project root");
  }

  @Test
  void ofFileReturnsDigestAndSizeAsResults() throws Exception {
    Path file = Files.writeString(outside.resolve("app.jar"), "abc");
    TestContext context = new TestContext(project);
    Object results = new ChecksumOfFile().call(Arguments.of(Map.of("file", file)), context);
    assertThat(results).isEqualTo(Map.of("sha256", ABC, "size", "3"));
    assertThat(context.log).containsExactly("sha256 " + ABC + " (3 bytes)");
  }

  @Test
  void ofDirectoryMatchesSha256sumOverSortedPaths() throws Exception {
    Path dir = outside.resolve("out");
    Files.createDirectories(dir.resolve("b/c"));
    Files.createDirectories(dir.resolve("empty"));
    Files.writeString(dir.resolve("a.txt"), "abc");
    Files.writeString(dir.resolve("b/c/d.txt"), "");
    Files.writeString(dir.resolve("b.txt"), "b\n");
    Files.writeString(dir.resolve("Z"), "upper case sorts first");
    String lines = EMPTY + "  b/c/d.txt\n";
    String expected = Sha256.of(("" // C-locale order: Z, a.txt, b.txt, b/c/d.txt ('.' < '/')
        + Sha256.of("upper case sorts first".getBytes(StandardCharsets.UTF_8)) + "  Z\n"
        + ABC + "  a.txt\n"
        + Sha256.of("b\n".getBytes(StandardCharsets.UTF_8)) + "  b.txt\n"
        + lines).getBytes(StandardCharsets.UTF_8));

    Object results = new ChecksumOfDirectory().call(Arguments.of(Map.of("dir", dir)), new TestContext(project));
    assertThat(results).isEqualTo(Map.of("sha256", expected, "files", "4"));

    // The documented shell pipeline agrees, where the tools exist.
    if (Files.isExecutable(Path.of("/usr/bin/sha256sum"))) {
      Process p = new ProcessBuilder("sh", "-c",
          "find . -type f -printf '%P\\n' | LC_ALL=C sort | xargs -d '\\n' sha256sum | sha256sum")
          .directory(dir.toFile()).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor()).isZero();
      assertThat(out.split(" ")[0]).isEqualTo(expected);
    }
  }

  @Test
  void ofDirectoryChangesWithContentsNamesAndLinkTargetsButNotTimestamps() throws Exception {
    Path dir = Files.createDirectories(outside.resolve("out"));
    Files.writeString(dir.resolve("a"), "1");
    Files.createSymbolicLink(dir.resolve("l"), Path.of("a"));
    List<String> digests = new ArrayList<>();
    Runnable digest = () -> {
      try {
        digests.add(Sha256.ofTree(dir).sha256());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    };
    digest.run();
    Files.setLastModifiedTime(dir.resolve("a"), FileTime.fromMillis(0));
    digest.run();
    Files.writeString(dir.resolve("a"), "2");
    digest.run();
    Files.move(dir.resolve("a"), dir.resolve("b"));
    digest.run();
    Files.delete(dir.resolve("l"));
    Files.createSymbolicLink(dir.resolve("l"), Path.of("b"));
    digest.run();
    assertThat(digests.get(1)).isEqualTo(digests.get(0));
    assertThat(digests.subList(1, 5)).doesNotHaveDuplicates();
  }
}
