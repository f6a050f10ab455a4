package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.executor.engine.EngineConnector;
import dev.kiln.executor.engine.EngineStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote cache through the pipeline's {@code cache} block and {@code type=local} directories. The
 * engine forgets the steps between runs, so a CACHED step can only have come from the remote cache.
 */
@Tag("e2e")
class RemoteCacheE2ETest extends KilnInProcess {
  /**
   * A standalone buildkitd to test what Docker's engine cannot export: {@code $KILN_TEST_BUILDKITD},
   * else the test engine when it is one; the tests that need it are skipped without it.
   */
  private static final String BUILDKITD = System.getenv("KILN_TEST_BUILDKITD") != null
      ? System.getenv("KILN_TEST_BUILDKITD") : DockerEngine.docker() ? null : DockerEngine.ADDRESS;
  /** The cache types the test engine exports, as Kiln detects them. */
  private static List<String> exports;

  @TempDir Path dir;
  private final String marker = UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void engineIsThere() {
    DockerEngine.require();
    exports = DockerEngine.info().cacheExports();
  }

  /** Removes the engine's records whose description holds {@code marker} (all with null), so others stay warm. */
  private static int forget(String engine, String marker) {
    try (var c = EngineConnector.connect(engine == null ? DockerEngine.ADDRESS : engine, System.getenv())) {
      var storage = new EngineStorage(c);
      if (marker == null) {
        return storage.prune(true, null).size();
      }
      // One prune for all of them (filters are or-ed): each prune ends in a garbage collection of
      // the engine's whole content store, which takes seconds on an engine used for long.
      List<String> ids = storage.usage().stream().filter(u -> u.description().contains(marker))
          .map(u -> "id==" + u.id()).toList();
      return ids.isEmpty() ? 0 : storage.prune(true, null, ids).size();
    }
  }

  @Test
  void thePipelinesCacheBlockBringsBackAStepTheEngineForgot() throws Exception {
    String ref = "127.0.0.1:5000/kiln-e2e/cache-block:" + marker;
    Path p = dir.resolve("block/pipeline.pkl");
    Files.createDirectories(p.getParent());
    Files.writeString(p, """
        amends ".kiln/schema/Pipeline.pkl"
        local built = container.from("busybox:latest")
          .withExec(List("sh", "-c", "echo building-%s; echo done > /built"))
        tasks {
          ["image"] { publish = built; ref = "%s" }
        }
        cache {
          imports { new RegistryCache { ref = "%s" } }
          exports { new InlineCache {} }
        }
        """.formatted(marker, ref, ref));
    // The first run finds nothing to import yet: the engine says so, and the run goes on.
    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("DONE").doesNotContainPattern("CACHED sh -c echo building-" + marker);

    assertThat(forget(null, "building-" + marker)).as("the step's record was on the engine").isPositive();
    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("importing cache manifest from " + ref)
        .containsPattern("CACHED sh -c echo building-" + marker);
  }

  @Test
  void aLocalCacheTheEngineCannotExportIsRefusedAndAMissingOneIsSkipped() throws Exception {
    Path p = dir.resolve("local/pipeline.pkl");
    Files.createDirectories(p.getParent());
    Files.writeString(p, """
        amends ".kiln/schema/Pipeline.pkl"
        tasks { ["a"] { run = module.container.from("busybox:latest").withExec(List("true")) } }
        """);
    if (!exports.contains("local")) { // Docker's engine: detected, as Kiln's own check detects it
      assertThat(kiln("run", "-f", p.toString(), "--cache-to", "type=local,dest=" + dir.resolve("c")))
          .isEqualTo(ExitCodes.INVALID);
      assertThat(err.toString()).contains("cannot export a 'local' cache (it exports: inline)")
          .doesNotContain("Exception");
      assertThat(dir.resolve("c")).doesNotExist();
    }

    assertThat(kiln("run", "-f", p.toString(), "--cache-from", "type=local,src=" + dir.resolve("none")))
        .as(err.toString()).isZero();
    assertThat(err.toString()).contains("warning: no local cache tagged 'latest' in " + dir.resolve("none"));
  }

  @Test
  void dockersEngineImportsALocalCacheThroughKilnsContentStore() throws Exception {
    // src/test/resources/local-cache was exported by a standalone buildkitd (v0.21, with
    // image-manifest=false, mode=max) running exactly this pipeline; it has no base image, so its
    // cache keys are the same on Docker's engine.
    Path p = dir.resolve("imported/pipeline.pkl");
    Files.createDirectories(p.getParent());
    Files.writeString(p, """
        amends ".kiln/schema/Pipeline.pkl"

        /// Made on a standalone buildkitd with --cache-to type=local,dest=...,image-manifest=false,mode=max
        local made = container.scratch().withNewFile("/fixture.txt", "from a local cache\\n")

        tasks {
          ["make"] {
            run = made
            exports { ["/fixture.txt"] = "build/fixture.txt" }
          }
        }
        """);
    Path cache = dir.resolve("cache");
    copyTree(Path.of("src/test/resources/local-cache"), cache);

    // The engine describes file operations' records only as "fileop target", and what it took
    // from a remote cache as "imported <digest>": forget them all (cheap to make again), so that
    // neither run finds this one on the engine.
    forgetFileOps();
    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain")).as(err.toString()).isZero();
    assertThat(out.toString()).as("without the cache, the step runs").doesNotContain("CACHED export /fixture.txt");

    forgetFileOps();
    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain", "--cache-from", "type=local,src=" + cache))
        .as(err.toString()).isZero();
    assertThat(out.toString()).containsPattern("DONE [0-9.]+s importing cache manifest from local:")
        .contains("CACHED export /fixture.txt").doesNotContain("ERROR");
    assertThat(p.resolveSibling("build/fixture.txt")).hasContent("from a local cache\n");
  }

  private static void forgetFileOps() {
    forget(null, "fileop target");
    forget(null, "imported sha256:");
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path t = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(t);
        } else {
          Files.copy(f, t);
        }
      }
    }
  }

  @Test
  void aLocalCacheKeepsEveryTasksStepsWhenTheEngineForgotThem() throws Exception {
    Path p = fanOut("new LocalCache { dir = \"ci-cache\" }");
    assertThat(p.resolveSibling("ci-cache/index.json")).content().contains("latest-alpha-0", "latest-beta-0",
        "latest-gamma-0");
    everyTaskComesBack(p, "type=local,src=" + p.resolveSibling("ci-cache"));
  }

  @Test
  void aRegistryCacheKeepsEveryTasksStepsWhenTheEngineForgotThem() throws Exception {
    String ref = "127.0.0.1:5000/kiln-e2e/fan-cache:" + UUID.randomUUID().toString().substring(0, 8);
    Path p = fanOut("new RegistryCache { ref = \"" + ref + "\"; mode = \"max\" }");
    everyTaskComesBack(p, "type=registry,ref=" + ref);
    assertThat(out.toString()).contains("importing cache manifest from " + ref + "-beta-0");
  }

  /**
   * Runs, on the standalone buildkitd, independent tasks (each its own solve: the cache must hold
   * all of them, not the last one's) exporting to {@code export}; returns the pipeline.
   */
  private Path fanOut(String export) throws Exception {
    assumeTrue(BUILDKITD != null, "set KILN_TEST_BUILDKITD to a standalone buildkitd's address");
    Path p = dir.resolve("fan/pipeline.pkl");
    Files.createDirectories(p.getParent());
    Files.writeString(p, """
        amends ".kiln/schema/Pipeline.pkl"
        local function part(name: String) = module.container.from("busybox:latest")
          .withExec(List("sh", "-c", "echo \\(name)-%s > /part"))
        tasks {
          for (name in List("alpha", "beta", "gamma")) { [name] { run = part(name) } }
        }
        cache { exports { %s } }
        """.formatted(marker, export));
    assertThat(kiln("run", "-f", p.toString(), "--engine", BUILDKITD, "--progress", "plain"))
        .as(err.toString()).isZero();
    return p;
  }

  /** Forgets everything on the buildkitd, runs again importing {@code from}: every task's step is CACHED. */
  private void everyTaskComesBack(Path p, String from) {
    forget(BUILDKITD, null);
    assertThat(kiln("run", "-f", p.toString(), "--engine", BUILDKITD, "--progress", "plain", "--cache-from", from))
        .as(err.toString()).isZero();
    for (String name : List.of("alpha", "beta", "gamma")) {
      assertThat(out.toString()).as(out.toString()).contains("CACHED sh -c echo " + name + "-" + marker);
    }
  }
}
