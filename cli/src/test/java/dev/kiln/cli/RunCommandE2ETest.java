package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln run} end to end: the examples and failure handling, on the real engine. */
@Tag("e2e")
class RunCommandE2ETest extends KilnInProcess {
  @TempDir Path dir;

  @BeforeAll
  static void engineIsThere() {
    DockerEngine.require();
  }

  /** A copy of an example, so its exports land in a temporary directory. */
  private Path example(String name) throws Exception {
    Path src = Path.of("..", "examples", name, "pipeline.pkl");
    Path copy = dir.resolve(name);
    Files.createDirectories(copy);
    Files.copy(src, copy.resolve("pipeline.pkl"));
    return copy.resolve("pipeline.pkl");
  }

  @Test
  void helloExportsItsGreeting() throws Exception {
    Path p = example("hello");
    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain")).as(err.toString()).isZero();
    assertThat(Files.readString(p.resolveSibling("build/hello.txt"))).isEqualTo("hello, world\n");
    // DONE, or CACHED when the engine ran it before: a task with exports is cached like any other
    assertThat(out.toString()).containsPattern("\\[hello\\] (DONE|CACHED)");
  }

  @Test
  void helpersWorkInsideATaskBodyAsAtTheTop() throws Exception {
    Path p = dir.resolve("inside/pipeline.pkl");
    Files.createDirectories(p.resolveSibling("src"));
    Files.writeString(p.resolveSibling("src/in.txt"), "from the host\n");
    Files.writeString(p, """
        amends ".kiln/schema/Pipeline.pkl"
        tasks {
          ["a"] {
            run = container.from("busybox:latest")
              .withMountedCache("/c", cacheVolume("inside-body"))
              .withMountedDirectory("/src", host.directory("src"))
              .withDirectory("/empty", emptyDirectory())
              .withExec(List("sh", "-c", "mkdir -p /out && cat /src/in.txt > /out/copy.txt"))
            exports { ["/out/copy.txt"] = "build/copy.txt" }
          }
        }
        """);
    assertThat(kiln("run", "-f", p.toString())).as(err.toString()).isZero();
    assertThat(p.resolveSibling("build/copy.txt")).hasContent("from the host");
  }

  @Test
  void fanOutJoinsWhatParallelTasksMade() throws Exception {
    Path p = example("fan-out");
    assertThat(kiln("run", "-f", p.toString())).as(err.toString()).isZero();
    assertThat(Files.readString(p.resolveSibling("build/joined.txt"))).isEqualTo("alpha\nbeta\ngamma\n");
    assertThat(err.toString()).contains("4 succeeded, 0 failed");
  }

  @Test
  void failingTaskExitsOneWithCommandExitCodeAndOutput() throws Exception {
    String marker = UUID.randomUUID().toString();
    Path p = dir.resolve("fail/pipeline.pkl");
    Files.createDirectories(p.getParent());
    Files.writeString(p, """
        amends ".kiln/schema/Pipeline.pkl"
        local base = container.from("busybox:latest")
        tasks {
          ["broken"] { run = base.withExec(List("sh", "-c", "echo %s; echo last words; exit 4")) }
          ["after"] { dependsOn { "broken" }; run = base.withExec(List("true")) }
        }
        """.formatted(marker));
    Path junit = dir.resolve("report.xml");
    assertThat(kiln("run", "-f", p.toString(), "--junit", junit.toString())).isEqualTo(ExitCodes.TASK_FAILED);
    assertThat(err.toString()).contains("task broken failed: command failed with exit code 4")
        .contains("last words").contains("0 succeeded, 1 failed, 0 cancelled, 1 skipped");
    assertThat(Files.readString(junit)).contains("<failure").contains("name=\"after\"");
  }

  @Test
  void secretsAreMaskedAndAMissingOneIsAUsageError() throws Exception {
    Path p = dir.resolve("secret/pipeline.pkl");
    Files.createDirectories(p.getParent());
    Files.writeString(p.resolveSibling("token.txt"), "swordfish-" + UUID.randomUUID() + "\n");
    // Secret values are not part of cache keys: a fresh nonce makes the step run (and print) again.
    String nonce = UUID.randomUUID().toString();
    Files.writeString(p, """
        amends ".kiln/schema/Pipeline.pkl"
        local base = container.from("busybox:latest")
        local token = fileSecret("token", "token.txt")
        local generated = cmdSecret("generated", "echo generated-$((6 * 7))-%s")
        tasks {
          ["leak"] {
            run = base.withMountedSecret("/run/secrets/t", token).withMountedSecret("/run/secrets/g", generated)
              .withExec(List("sh", "-c", "echo %s value=$(cat /run/secrets/t) b64=$(base64 /run/secrets/t) g=$(cat /run/secrets/g)"))
          }
        }
        """.formatted(nonce, nonce));
    // The command runs on this machine: refused until the user trusts it.
    assertThat(kiln("run", "-f", p.toString(), "--progress", "json")).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("secret `generated` runs the command `echo generated-")
        .contains("not trusted").contains("kiln trust").contains("--trust");
    assertThat(kiln("run", "-f", p.toString(), "--progress", "json", "--trust")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("value=***").contains("g=***").doesNotContain("swordfish")
        .doesNotContain("generated-42");

    Files.delete(p.resolveSibling("token.txt"));
    assertThat(kiln("run", "-f", p.toString(), "--trust")).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("secret 'token'");
  }

  @Test
  void resultsArePrintedWrittenToTheProjectAndReadByLaterTasks() throws Exception {
    String marker = UUID.randomUUID().toString().substring(0, 8);
    Path p = dir.resolve("results/pipeline.pkl");
    Files.createDirectories(p.getParent());
    Files.writeString(p, """
        amends ".kiln/schema/Pipeline.pkl"
        local base = container.from("busybox:latest")
        tasks {
          ["version"] {
            run = base.withExec(List("sh", "-c", "mkdir -p /kiln/results && echo 2.0.%s > /kiln/results/version"))
            results { "version" }
          }
          ["release"] {
            dependsOn { "version" }
            run = base.withDirectory("/in", module.host.directory(".kiln/results/version"))
              .withExec(List("sh", "-c", "mkdir -p /out && echo released $(cat /in/version) > /out/notes"))
            exports { ["/out/notes"] = "build/notes" }
          }
          ["forgetful"] {
            run = base.withExec(List("true"))
            results { "missing" }
          }
        }
        """.formatted(marker));
    assertThat(kiln("run", "-f", p.toString(), "release")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("[version] result version = 2.0." + marker);
    assertThat(Files.readString(p.resolveSibling(".kiln/results/version/version"))).isEqualTo("2.0." + marker + "\n");
    assertThat(Files.readString(p.resolveSibling("build/notes"))).isEqualTo("released 2.0." + marker + "\n");

    assertThat(kiln("run", "-f", p.toString(), "forgetful")).isEqualTo(ExitCodes.TASK_FAILED);
    assertThat(err.toString()).contains("did not write its result `missing`");
  }

  @Test
  void withoutTaskNamesTheDefaultTasksRun() throws Exception {
    Path p = dir.resolve("defaults/pipeline.pkl");
    Files.createDirectories(p.getParent());
    Files.writeString(p, """
        amends ".kiln/schema/Pipeline.pkl"
        local base = container.from("busybox:latest")
        defaultTasks { "quick" }
        tasks {
          ["quick"] { run = base.withExec(List("true")) }
          ["other"] { run = base.withExec(List("false")) }
        }
        """);
    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("[quick]").doesNotContain("[other]");
    assertThat(kiln("run", "-f", p.toString(), "other")).isEqualTo(ExitCodes.TASK_FAILED);
  }

  @Test
  void aStepComesFromTheRegistryCacheOnceTheEngineForgotIt() throws Exception {
    String marker = UUID.randomUUID().toString().substring(0, 8);
    String ref = "127.0.0.1:5000/kiln-e2e/remote-cache:" + marker;
    Path p = dir.resolve("rc/pipeline.pkl");
    Files.createDirectories(p.getParent());
    Files.writeString(p, """
        amends ".kiln/schema/Pipeline.pkl"
        local built = container.from("busybox:latest")
          .withExec(List("sh", "-c", "echo building-%s; echo done > /built"))
        tasks {
          ["image"] { publish = built; ref = "%s" }
        }
        """.formatted(marker, ref));
    // Docker 20.10's engine exports only inline cache: it travels inside the published image.
    assertThat(kiln("run", "-f", p.toString(), "--cache-to", "type=inline", "--progress", "plain"))
        .as(err.toString()).isZero();

    // Forget the step on the engine (only this test's records, so other tests keep a warm engine).
    try (var c = dev.kiln.executor.engine.EngineConnector.connect(DockerEngine.ADDRESS, System.getenv())) {
      var storage = new dev.kiln.executor.engine.EngineStorage(c);
      // One prune for all of them (filters are or-ed): each prune collects the whole content store.
      List<String> ids = storage.usage().stream().filter(u -> u.description().contains("building-" + marker))
          .map(u -> "id==" + u.id()).toList();
      int removed = ids.isEmpty() ? 0 : storage.prune(true, null, ids).size();
      assertThat(removed).as("the step's record was on the engine and is gone").isPositive();
      assertThat(storage.usage()).noneMatch(u -> u.description().contains("building-" + marker));
    }
    assertThat(kiln("run", "-f", p.toString(), "--cache-from", "type=registry,ref=" + ref, "--progress", "plain"))
        .as(err.toString()).isZero();
    assertThat(out.toString()).contains("importing cache manifest from " + ref)
        .containsPattern("CACHED sh -c echo building-" + marker);

    List<String> exports = DockerEngine.info().cacheExports();
    if (exports.contains("registry")) { // a standalone buildkitd
      assertThat(kiln("run", "-f", p.toString(), "--cache-to", "type=registry,ref=" + ref + "-c")).as(err.toString())
          .isZero();
    } else { // Docker 20.10's engine, as detected
      assertThat(kiln("run", "-f", p.toString(), "--cache-to", "type=registry,ref=" + ref + "-c"))
          .isEqualTo(ExitCodes.INVALID);
      assertThat(err.toString()).contains("cannot export a 'registry' cache (it exports: inline)");
    }
  }

  @Test
  void noEngineIsExitCodeThree() throws Exception {
    Path p = example("hello");
    assertThat(kiln("run", "-f", p.toString(), "--engine", "unix:///nonexistent/buildkitd.sock"))
        .isEqualTo(ExitCodes.ENGINE_UNREACHABLE);
    assertThat(err.toString()).contains("unix:///nonexistent/buildkitd.sock").doesNotContain("Exception");
  }
}
