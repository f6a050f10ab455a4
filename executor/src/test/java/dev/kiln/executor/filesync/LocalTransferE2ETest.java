package dev.kiln.executor.filesync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.executor.engine.BuildkitConnection;
import dev.kiln.executor.engine.Engines;
import dev.kiln.executor.engine.Session;
import dev.kiln.executor.engine.SolveOptions;
import dev.kiln.executor.engine.Solver;
import dev.kiln.executor.exports.ExportSet;
import dev.kiln.model.ProjectRoot;
import dev.kiln.planner.llb.Exec;
import dev.kiln.planner.llb.ExecState;
import dev.kiln.planner.llb.ImageRef;
import dev.kiln.planner.llb.LocalOptions;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.Mounts;
import dev.kiln.planner.llb.Platform;
import dev.kiln.planner.llb.Sources;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local directory of 1,000 files goes to the engine through FileSync, a step lists it, and the
 * listing comes back through FileSend (the {@code local} exporter) into a host directory.
 */
@Tag("e2e")
class LocalTransferE2ETest {
  @TempDir Path work;

  static final String LIST = "cd /src && find . -mindepth 1 | LC_ALL=C sort | while read f; do "
      + "if [ -L \"$f\" ]; then echo \"L $f $(readlink \"$f\")\"; "
      + "elif [ -d \"$f\" ]; then echo \"D $f $(stat -c %a \"$f\")\"; "
      + "else echo \"F $f $(stat -c %a \"$f\") $(md5sum < \"$f\" | cut -d' ' -f1)\"; fi; done > /out/listing";

  @Test
  void thousandFilesArriveExactlyAndTheListingIsExported() throws Exception {
    Path src = work.resolve("src");
    makeTree(src);
    Path dest = work.resolve("exported");
    Files.createDirectories(dest);
    Files.writeString(dest.resolve("stale"), "from an earlier run");

    var local = Sources.local("src", LocalOptions.NONE.withExcludePatterns(List.of("skip", "**/*.tmp")), "src");
    ExecState exec = Sources.image(ImageRef.parse("busybox:latest"), Platform.LINUX_AMD64)
        .run(Exec.of("sh", "-c", LIST).withMount(Mounts.readonly("/src", local))
            .withMount(Mounts.bind("/out", Sources.scratch())));
    var marshalled = new Marshaller().marshal(exec.mount("/out"));

    ExportSet exports = new ExportSet(ProjectRoot.of(work));
    Path staging = exports.stage("export of /out", "exported");
    long t0 = System.nanoTime();
    try (BuildkitConnection c = Engines.connect();
        Session s = Session.builder().sharedKey("e2e-thousand")
            .addService(new FileSyncService(Map.of("src", src)).definition())
            .addService(new FileSendService(staging.resolve("out")).bindService()).start(c)) {
      new Solver(c).solve(marshalled.withLocalSession(s.id()).toPb(),
          SolveOptions.none().withSession(s.id()).withExporter(new SolveOptions.Exporter("local", Map.of())), r -> { });
    }
    exports.received(staging, staging.resolve("out"));
    exports.commit();
    exports.close();
    System.out.printf("1,000-file sync + step + export: %d ms%n", (System.nanoTime() - t0) / 1_000_000);

    List<String> inContainer = Files.readAllLines(dest.resolve("listing"));
    assertThat(inContainer).hasSize(expectedListing(src).size());
    assertThat(inContainer).containsExactlyElementsOf(expectedListing(src));
    assertThat(dest.resolve("stale")).doesNotExist(); // the export replaced the old directory whole
    assertThat(inContainer).noneMatch(l -> l.contains("/skip") || l.endsWith(".tmp"));
    assertThat(inContainer).anyMatch(l -> l.startsWith("F ./bin/run.sh 755 "));
    assertThat(inContainer).anyMatch(l -> l.equals("L ./link-to-a ./d00/f000.txt"));
  }

  static void makeTree(Path src) throws Exception {
    for (int d = 0; d < 10; d++) {
      for (int e = 0; e < 4; e++) {
        Path dir = src.resolve(String.format("d%02d/e%d", d, e));
        Files.createDirectories(dir);
        for (int f = 0; f < 24; f++) {
          Files.writeString(dir.resolve(String.format("f%03d.txt", f)), "file " + d + "/" + e + "/" + f + "\n".repeat(f));
        }
      }
      Files.writeString(src.resolve(String.format("d%02d/f000.txt", d)), "top " + d);
    }
    // 960 + 10 files so far; 30 more at odd places
    Files.createDirectories(src.resolve("a-b"));
    Files.createDirectories(src.resolve("a/b"));
    for (int i = 0; i < 14; i++) {
      Files.writeString(src.resolve("a-b/x" + i), "dash " + i);
      Files.writeString(src.resolve("a/b/y" + i), "slash " + i);
    }
    Files.createDirectories(src.resolve("bin"));
    Path run = src.resolve("bin/run.sh");
    Files.writeString(run, "#!/bin/sh\necho run\n");
    Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createLink(src.resolve("bin/run-hardlink.sh"), run);
    Files.createSymbolicLink(src.resolve("link-to-a"), Path.of("./d00/f000.txt"));
    Files.createSymbolicLink(src.resolve("dangling"), Path.of("nowhere"));
    Files.createDirectories(src.resolve("skip/deep"));
    Files.writeString(src.resolve("skip/deep/secret.txt"), "must not be sent");
    Files.writeString(src.resolve("d01/scratch.tmp"), "excluded by pattern");
  }

  /** The listing the step prints, computed on the host. */
  static List<String> expectedListing(Path src) throws Exception {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> all = Files.walk(src)) {
      for (Path p : all.sorted().toList()) {
        if (p.equals(src)) {
          continue;
        }
        String rel = "./" + src.relativize(p).toString().replace('\\', '/');
        if (rel.startsWith("./skip") || rel.endsWith(".tmp")) {
          continue;
        }
        if (Files.isSymbolicLink(p)) {
          lines.add("L " + rel + " " + Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          lines.add("D " + rel + " " + mode(p));
        } else {
          byte[] md5 = MessageDigest.getInstance("MD5").digest(Files.readAllBytes(p));
          lines.add("F " + rel + " " + mode(p) + " " + HexFormat.of().formatHex(md5));
        }
      }
    }
    // The step sorts paths (LC_ALL=C: byte order), then prefixes each line with its type.
    lines.sort(Comparator.comparing(l -> l.split(" ")[1]));
    return lines;
  }

  static String mode(Path p) throws Exception {
    int m = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0777;
    return Integer.toOctalString(m);
  }
}
