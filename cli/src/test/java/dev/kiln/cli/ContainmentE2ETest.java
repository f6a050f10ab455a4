package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing escapes the project, on the real engine: links that lead out are refused, exports never
 * delete the user's files nor land halfway, a killed run's leftovers are cleaned up, and export I/O
 * errors say what the system said.
 */
@Tag("e2e")
class ContainmentE2ETest extends KilnInProcess {
  @TempDir Path base;
  Path project;
  Path outside;
  Path pipeline;
  /** Makes every step run again (and print): the engine's cache outlives the test. */
  final String nonce = UUID.randomUUID().toString();

  @BeforeAll
  static void engineIsThere() {
    DockerEngine.require();
  }

  @BeforeEach
  void dirs() throws Exception {
    project = Files.createDirectories(base.resolve("project"));
    outside = Files.createDirectories(base.resolve("outside"));
    pipeline = project.resolve("pipeline.pkl");
  }

  private int run() {
    return kiln("run", "-f", pipeline.toString(), "--progress", "plain");
  }

  private void write(String tasks) throws Exception {
    Files.writeString(pipeline, """
        amends ".kiln/schema/Pipeline.pkl"
        local busybox = container.from("busybox:latest")
        tasks {
        %s}
        """.formatted(tasks.replace("NONCE", nonce)));
  }

  private static List<String> names(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aLocalCacheOutsideTheProjectNeedsTheUsersTrust() throws Exception {
    Files.writeString(pipeline, """
        amends ".kiln/schema/Pipeline.pkl"
        tasks { ["a"] { run = container.from("busybox:latest").withExec(List("true")) } }
        cache { imports { new LocalCache { dir = "../outside/cache" } } }
        """);
    assertThat(run()).as(err.toString()).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("pipeline.pkl:3:").contains("local cache directory `../outside/cache`")
        .contains("--cache-from type=local,src=DIR");
    assertThat(names(outside)).isEmpty();

    assertThat(kiln("run", "-f", pipeline.toString(), "--trust")).as(err.toString()).isZero();
    assertThat(err.toString()).contains("warning: no local cache tagged 'latest' in " + outside.resolve("cache"));
  }

  @Test
  void anExportThroughALinkedBuildDirectoryIsRefusedAndWritesNothingOutside() throws Exception {
    Files.createSymbolicLink(project.resolve("build"), Path.of("../outside"));
    write("""
          ["a"] {
            run = busybox.withExec(List("sh", "-c", "mkdir -p /out && echo NONCE > /out/x.txt"))
            exports { ["/out/x.txt"] = "build/x.txt" }
          }
        """);
    assertThat(kiln("validate", pipeline.toString())).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("pipeline.pkl:6:32: error: export destination `build/x.txt` of task `a`"
        + " leads outside the project").contains("through the symbolic link `build` (-> `../outside`)");
    assertThat(run()).isEqualTo(ExitCodes.INVALID);
    assertThat(names(outside)).isEmpty();
  }

  @Test
  void aHostDirectoryThatLinksOutIsNotSentAndLinksInsideOneAreSentAsLinks() throws Exception {
    Files.writeString(outside.resolve("secret.txt"), "outside-" + nonce);
    Files.createSymbolicLink(project.resolve("src"), outside);
    write("""
          ["a"] { run = busybox.withDirectory("/src", module.host.directory("src")).withExec(List("cat", "/src/secret.txt")) }
        """);
    assertThat(run()).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("error: host directory `src` of task `a` leads outside the project");
    assertThat(out.toString() + err).doesNotContain("outside-" + nonce);

    // A real directory with a link out inside it: the link arrives as a link, dangling in the container.
    Files.delete(project.resolve("src"));
    Files.createDirectories(project.resolve("src"));
    Files.createSymbolicLink(project.resolve("src/secret.txt"), outside.resolve("secret.txt"));
    write("""
          ["a"] {
            run = busybox.withDirectory("/src", module.host.directory("src"))
              .withExec(List("sh", "-c", "echo NONCE; readlink /src/secret.txt; cat /src/secret.txt || echo not-followed"))
          }
        """);
    assertThat(run()).as(err.toString()).isZero();
    assertThat(out.toString()).contains(outside.resolve("secret.txt").toString()).contains("not-followed")
        .doesNotContain("outside-" + nonce);
  }

  @Test
  void aFileExportOntoADirectoryIsAnErrorAndDeletesNothing() throws Exception {
    Files.createDirectories(project.resolve("build/app"));
    Files.writeString(project.resolve("build/app/notes.txt"), "the user's notes");
    write("""
          ["a"] {
            run = busybox.withExec(List("sh", "-c", "mkdir -p /out && echo NONCE > /out/app"))
            exports { ["/out/app"] = "build/app" }
          }
        """);
    assertThat(run()).isEqualTo(ExitCodes.TASK_FAILED);
    assertThat(err.toString()).contains("task a failed: cannot write export of /out/app to `build/app`: `build/app`"
        + " is a directory and the export is a file; nothing was changed")
        .contains("hint: remove or rename `build/app`, or export to another path");
    assertThat(Files.readString(project.resolve("build/app/notes.txt"))).isEqualTo("the user's notes");
    assertThat(names(project.resolve("build"))).containsExactly("app");
  }

  @Test
  void aTasksExportsLandTogetherOrNotAtAll() throws Exception {
    Files.createDirectories(project.resolve("build/site"));
    Files.writeString(project.resolve("build/app.txt"), "old app");
    Files.writeString(project.resolve("build/site/index.html"), "old site");
    // The second export's path is missing in the container: the first, already received, must not land.
    write("""
          ["a"] {
            run = busybox.withExec(List("sh", "-c", "mkdir -p /out/site && echo NONCE > /out/app.txt"))
            exports {
              ["/out/app.txt"] = "build/app.txt"
              ["/out/missing"] = "build/site"
            }
          }
        """);
    assertThat(run()).isEqualTo(ExitCodes.TASK_FAILED);
    assertThat(Files.readString(project.resolve("build/app.txt"))).isEqualTo("old app");
    assertThat(names(project.resolve("build"))).containsExactly("app.txt", "site");

    // The second destination is a mount point, so its swap fails (EBUSY) after the first was done.
    Path site = project.resolve("build/site");
    assumeTrue(mount("-t", "tmpfs", "-o", "size=1m", "tmpfs", site.toString()) == 0, "mounting needs root");
    try {
      Files.writeString(site.resolve("index.html"), "old site");
      write("""
            ["a"] {
              run = busybox.withExec(List("sh", "-c", "mkdir -p /out/site && echo NONCE > /out/app.txt && echo new > /out/site/index.html"))
              exports {
                ["/out/app.txt"] = "build/app.txt"
                ["/out/site"] = "build/site"
              }
            }
          """);
      assertThat(run()).isEqualTo(ExitCodes.TASK_FAILED);
      assertThat(err.toString()).contains("cannot write export of /out/site to `build/site`: Device or resource busy");
      assertThat(Files.readString(project.resolve("build/app.txt"))).as("the first swap was undone").isEqualTo("old app");
      assertThat(Files.readString(site.resolve("index.html"))).isEqualTo("old site");
      assertThat(names(project.resolve("build"))).containsExactly("app.txt", "site");
    } finally {
      mount("-l", site.toString());
    }
  }

  @Test
  void aFullDiskSaysSoAndNamesTheDestination() throws Exception {
    Path build = Files.createDirectories(project.resolve("build"));
    assumeTrue(mount("-t", "tmpfs", "-o", "size=256k", "tmpfs", build.toString()) == 0, "mounting needs root");
    try {
      Files.writeString(build.resolve("big.bin"), "the old one");
      write("""
            ["a"] {
              run = busybox.withExec(List("sh", "-c", "echo NONCE; mkdir -p /out && head -c 2000000 /dev/zero > /out/big.bin"))
              exports { ["/out/big.bin"] = "build/big.bin" }
            }
          """);
      assertThat(run()).isEqualTo(ExitCodes.TASK_FAILED);
      assertThat(err.toString()).contains("task a failed: cannot write export of /out/big.bin to `build/big.bin`:"
          + " No space left on device (build)").doesNotContain("EOF");
      assertThat(Files.readString(build.resolve("big.bin"))).isEqualTo("the old one");
      assertThat(names(build)).containsExactly("big.bin");
    } finally {
      mount("-l", build.toString());
    }
  }

  @Test
  void permissionDeniedSaysSoAndNamesTheDestination() throws Exception {
    // Root writes anywhere: run kiln without the capabilities that let it, in a directory owned by nobody.
    Path build = Files.createDirectories(project.resolve("build"));
    assumeTrue(new ProcessBuilder("chown", "nobody", build.toString()).start().waitFor() == 0, "chown needs root");
    write("""
          ["a"] {
            run = busybox.withExec(List("sh", "-c", "mkdir -p /out && echo NONCE > /out/app.txt"))
            exports { ["/out/app.txt"] = "build/app.txt" }
          }
        """);
    List<String> command = new ArrayList<>(List.of("setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"));
    command.addAll(kilnProcess("run", "-f", pipeline.toString(), "--progress", "plain"));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(output).isEqualTo(ExitCodes.TASK_FAILED);
    assertThat(output).contains("task a failed: cannot write export of /out/app.txt to `build/app.txt`:"
        + " Permission denied (build)").contains("hint: make the destination's directory writable");
    assertThat(names(build)).isEmpty();
  }

  @Test
  void aKilledRunsStagingIsCleanedUpByTheNextRun() throws Exception {
    Path build = Files.createDirectories(project.resolve("build"));
    write("""
          ["a"] {
            run = busybox.withExec(List("sh", "-c", "echo NONCE; sleep 30; mkdir -p /out && echo slow > /out/x.txt"))
            exports { ["/out/x.txt"] = "build/x.txt" }
          }
        """);
    Process p = new ProcessBuilder(kilnProcess("run", "-f", pipeline.toString(), "--progress", "plain"))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (names(build).stream().noneMatch(n -> n.startsWith(".kiln-export-")) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(names(build)).as("the run is exporting").anyMatch(n -> n.startsWith(".kiln-export-"));
    } finally {
      p.destroyForcibly(); // kill -9
      p.waitFor();
    }
    assertThat(names(build)).as("left behind by kill -9").anyMatch(n -> n.startsWith(".kiln-export-"));

    write("""
          ["a"] {
            run = busybox.withExec(List("sh", "-c", "mkdir -p /out && echo NONCE > /out/x.txt"))
            exports { ["/out/x.txt"] = "build/x.txt" }
          }
        """);
    assertThat(run()).as(err.toString()).isZero();
    assertThat(names(build)).containsExactly("x.txt");
    assertThat(Files.readString(build.resolve("x.txt"))).isEqualTo(nonce + "\n");
  }

  @Test
  void aKilnDirectoryThatLinksOutIsNeverWrittenThrough() throws Exception {
    Files.createSymbolicLink(project.resolve(".kiln"), outside);
    write("""
          ["v"] {
            run = busybox.withExec(List("sh", "-c", "mkdir -p /kiln/results && echo NONCE > /kiln/results/version"))
            results { "version" }
          }
        """);
    assertThat(kiln("validate", pipeline.toString())).as(err.toString()).isZero();
    assertThat(run()).isEqualTo(ExitCodes.TASK_FAILED);
    assertThat(err.toString()).contains("warning: .kiln is a symbolic link to " + outside.toRealPath())
        .contains("task v failed: cannot write the results of task v: `.kiln/results/v` leads outside the project");
    assertThat(names(outside)).as("no results, evaluation cache, last run or .gitignore written there").isEmpty();
  }

  /** The command that runs this build's kiln in a process of its own (from the test's class path). */
  private static List<String> kilnProcess(String... args) {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    return command;
  }

  private static int mount(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(args[0].equals("-l") ? "umount" : "mount");
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }
}
