package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as a user installs it: {@code target/kiln-<version>.tar.gz} (made by {@code mvn
 * package}; this runs in the integration-test phase after it) extracted into a temporary prefix,
 * linked as {@code PREFIX/bin/kiln}, and run from another directory with a PATH that has no Maven,
 * no JDK tools and no Kiln checkout: only the commands the launcher uses.
 */
class DistributionIT {
  /** Set by the integration-test execution (cli/pom.xml), which runs after package. */
  private static final String TARBALL = System.getProperty("kiln.distribution");
  private static final String VERSION = System.getProperty("kiln.version");
  /** What bin/kiln runs: bash, and readlink, find, flock, mkdir and rm (java is found on PATH too). */
  private static final List<String> TOOLS = List.of("bash", "readlink", "find", "flock", "mkdir", "rm");

  @TempDir Path tmp;
  private Path kiln;
  private Path path;
  private Path elsewhere;

  /** Exit code and both streams of one run of the installed kiln. */
  private record Outcome(int exit, String out, String err) {}

  @BeforeEach
  void install() throws Exception {
    // -Dtest=DistributionIT also selects it for the test phase, before there is a tarball
    assumeTrue(TARBALL != null, "runs in the integration-test phase");
    assertThat(Path.of(TARBALL)).as("mvn package makes the distribution before this test").isRegularFile();
    Path prefix = tmp.resolve("prefix");
    Files.createDirectories(prefix.resolve("lib"));
    Files.createDirectories(prefix.resolve("bin"));
    Process tar = new ProcessBuilder("tar", "-xzf", TARBALL, "-C", prefix.resolve("lib").toString())
        .inheritIO().start();
    assertThat(tar.waitFor()).isZero();
    kiln = Files.createSymbolicLink(prefix.resolve("bin/kiln"), Path.of("../lib/kiln-" + VERSION + "/bin/kiln"));

    path = Files.createDirectories(tmp.resolve("tools"));
    for (String tool : TOOLS) {
      Files.createSymbolicLink(path.resolve(tool), which(tool));
    }
    Files.createSymbolicLink(path.resolve("java"), Path.of(ProcessHandle.current().info().command().orElseThrow()));
    elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
  }

  @Test
  void theInstalledKilnRunsFromAnyDirectoryWithoutMavenAndTrainsItsArchiveInTheUsersCache() throws Exception {
    assertThat(run(Map.of(), "bash", "-c", "command -v mvn || command -v javac").exit())
        .as("the PATH the installed kiln gets has no Maven").isNotZero();
    Path project = Files.createDirectories(tmp.resolve("project"));
    Files.copy(Path.of("..", "examples", "hello", "pipeline.pkl"), project.resolve("pipeline.pkl"));
    List<String> installed = files(tmp.resolve("prefix"));

    Outcome version = kiln(Map.of(), elsewhere, "--version");
    assertThat(version.exit()).as(version.err()).isZero();
    assertThat(version.out()).isEqualTo("kiln " + VERSION + "\n");

    Outcome validate = kiln(Map.of(), elsewhere, "validate", project.resolve("pipeline.pkl").toString());
    assertThat(validate.exit()).as(validate.err()).isZero();
    assertThat(validate.out()).endsWith("pipeline.pkl: ok (1 task)\n");
    assertThat(validate.err()).isEmpty();
    Outcome here = kiln(Map.of(), project, "validate");
    assertThat(here.exit()).as(here.err()).isZero();
    assertThat(here.out()).isEqualTo("pipeline.pkl: ok (1 task)\n");


    // errors reach stderr through the launcher, with Kiln's exit code
    Files.writeString(project.resolve("broken.pkl"), "amends \".kiln/schema/Pipeline.pkl\"\ntasks { [\"x\"] { dependsOn { \"y\" } } }\n");
    Outcome broken = kiln(Map.of(), elsewhere, "validate", project.resolve("broken.pkl").toString());
    assertThat(broken.exit()).isEqualTo(ExitCodes.INVALID);
    assertThat(broken.err()).contains("broken.pkl:2:");

    // the start-up archive went to the user's cache, keyed by the version; the prefix is as extracted
    Path cache = tmp.resolve("home/.cache/kiln").resolve(VERSION);
    assertThat(files(cache)).as("archives in " + cache).anyMatch(f -> f.endsWith(".aot") || f.endsWith(".jsa"));
    assertThat(files(tmp.resolve("prefix"))).isEqualTo(installed);
  }

  /**
   * A real run on the engine, through the distribution's own class path: a jar missing from it (a
   * dependency only tests declared) shows here and nowhere else. Needs the engine, hence the tag.
   */
  @Test
  @Tag("e2e")
  void theInstalledKilnRunsAPipelineOnTheEngine() throws Exception {
    Path project = Files.createDirectories(tmp.resolve("run"));
    Files.copy(Path.of("..", "examples", "hello", "pipeline.pkl"), project.resolve("pipeline.pkl"));
    Outcome run = kiln(Map.of(), project, "run", "--progress", "plain");
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(project.resolve("build/hello.txt")).hasContent("hello, world");
  }

  @Test
  void withoutAWritableCacheItStartsWithoutAnArchiveAndSaysNothing() throws Exception {
    Files.copy(Path.of("..", "examples", "hello", "pipeline.pkl"), elsewhere.resolve("pipeline.pkl"));
    // not even root can create a directory below /dev/null
    Map<String, String> noCache = Map.of("XDG_CACHE_HOME", "/dev/null/cache");
    Outcome version = kiln(noCache, elsewhere, "--version");
    assertThat(version.exit()).as(version.err()).isZero();
    assertThat(version.out()).isEqualTo("kiln " + VERSION + "\n");
    assertThat(version.err()).isEmpty();
    // nor does the JVM (Java 24+ warns about Pkl's Truffle unless the launcher's flags say it may)
    Outcome validate = kiln(noCache, elsewhere, "validate");
    assertThat(validate.exit()).as(validate.err()).isZero();
    assertThat(validate.err()).isEmpty();
  }

  /** Runs the installed kiln in {@code dir} with only PATH (the tools), HOME and {@code env}. */
  private Outcome kiln(Map<String, String> env, Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(kiln.toString()));
    command.addAll(List.of(args));
    return run(env, dir, command);
  }

  private Outcome run(Map<String, String> env, String... command) throws Exception {
    return run(env, elsewhere, List.of(command));
  }

  private Outcome run(Map<String, String> env, Path dir, List<String> command) throws Exception {
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().clear();
    pb.environment().put("PATH", path.toString());
    pb.environment().put("HOME", tmp.resolve("home").toString());
    pb.environment().putAll(env);
    // the first start trains the archive: a minute or two on a busy machine
    Process p = pb.start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    return new Outcome(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static Path which(String tool) {
    for (String dir : System.getenv("PATH").split(":")) {
      Path candidate = Path.of(dir, tool);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(tool + " is not on PATH");
  }

  private static List<String> files(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.map(dir::relativize).map(Path::toString).sorted().toList();
    }
  }
}
