package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples ({@code examples/java-maven}, {@code examples/go}, {@code examples/dockerfile},
 * {@code examples/integration}) built on the real engine.
 */
@Tag("e2e")
class ExamplesE2ETest extends KilnInProcess {
  /** Build outputs a developer may have left in an example; never part of the copy. */
  private static final Set<String> OUTPUTS = Set.of("build", "target", ".kiln");

  @TempDir Path dir;

  @BeforeAll
  static void engineIsThere() {
    DockerEngine.require();
  }

  /** A copy of the whole example directory, so its exports land in a temporary directory. */
  private Path example(String name) throws IOException {
    Path src = Path.of("..", "examples", name);
    Path copy = dir.resolve(name);
    try (Stream<Path> files = Files.walk(src)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path rel = src.relativize(f);
        boolean output = false;
        for (Path part : rel) {
          output |= OUTPUTS.contains(part.toString());
        }
        if (output) {
          continue;
        }
        Path to = copy.resolve(rel.toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to);
        }
      }
    }
    return copy.resolve("pipeline.pkl");
  }

  /** Runs a host command; returns its combined output, failing the test on a non-zero exit. */
  private static String host(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("%s timed out", command).isTrue();
    assertThat(p.exitValue()).as("%s: %s", command, output).isZero();
    return output;
  }

  /**
   * Changes a parameter's default in the copied pipeline ({@code kiln run} has no {@code --param} yet).
   */
  private static void setParam(Path pipeline, String declared, String replacement) throws IOException {
    String text = Files.readString(pipeline);
    assertThat(text).contains(declared);
    Files.writeString(pipeline, text.replace(declared, replacement));
  }

  private static String hostJava() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Test
  void javaMavenTestsPackagesAndPublishesAnImageThatRuns() throws Exception {
    Path p = example("java-maven");
    String ref = "127.0.0.1:5000/kiln-examples/java-maven:e2e-" + UUID.randomUUID().toString().substring(0, 8);
    String greeting = "Hello, world, from Kiln's java-maven example!\n";

    setParam(p, "imageRef: String = \"127.0.0.1:5000/kiln-examples/java-maven:latest\"",
        "imageRef: String = \"" + ref + "\"");
    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain")).as(out + "\n" + err).isZero();
    assertThat(err.toString()).contains("3 succeeded, 0 failed");
    assertThat(host(List.of(hostJava(), "-jar", p.resolveSibling("build/app.jar").toString())))
        .isEqualTo(greeting);

    // The image is in the registry: drop any local copy, then pull it back and run it.
    new ProcessBuilder("docker", "rmi", ref).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(1, TimeUnit.MINUTES);
    try {
      assertThat(host(List.of("docker", "run", "--rm", "--pull", "always", ref))).endsWith(greeting);
    } finally {
      new ProcessBuilder("docker", "rmi", ref).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(1, TimeUnit.MINUTES);
    }

    // Unchanged sources: Maven does not run again.
    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain", "package")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("CACHED mvn -B -q -DskipTests package");

    // Changed sources, Maven offline: the tests pass only if the m2 cache volume kept every
    // dependency and plugin the first run downloaded.
    Path test = p.resolveSibling("core/src/test/java/dev/kiln/example/core/GreeterTest.java");
    Files.writeString(test, Files.readString(test) + "// " + UUID.randomUUID() + "\n");
    setParam(p, "offline: Boolean = false", "offline: Boolean = true");
    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain", "test"))
        .as(out + "\n" + err).isZero();
    assertThat(out.toString()).contains("mvn -B -q -o test").doesNotContain("CACHED mvn");
  }

  /**
   * The standard library's natural test/package pipeline: both tasks start from one `mvn
   * test-compile` step, which the engine runs once, and then test and package at the same time
   * (the local repository is shared, not locked).
   */
  @Test
  void javaMavenCompilesOnceThenTestsAndPackagesAtTheSameTime() throws Exception {
    Path p = example("java-maven");
    Path main = p.resolveSibling("app/src/main/java/dev/kiln/example/app/Main.java");
    Files.writeString(main, Files.readString(main) + "// " + UUID.randomUUID() + "\n"); // nothing cached
    assertThat(kiln("run", "-f", p.toString(), "--progress", "json", "test", "package")).as(err.toString()).isZero();
    Map<String, String> compileDigest = new HashMap<>();
    Map<String, Instant[]> goal = new HashMap<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : out.toString().split("\n")) {
      JsonNode e = json.readTree(line);
      if (!e.path("event").asText().equals("step") || !e.path("state").asText().equals("done")) {
        continue;
      }
      String task = e.get("task").asText();
      String name = e.get("name").asText();
      Instant end = Instant.parse(e.get("time").asText());
      if (name.equals("mvn -B -q test-compile")) {
        compileDigest.put(task, e.get("digest").asText());
      } else if (name.equals("mvn -B -q test") || name.equals("mvn -B -q -DskipTests package")) {
        goal.put(task, new Instant[] {end.minusMillis(e.get("durationMs").asLong()), end});
      }
    }
    assertThat(compileDigest).as(out.toString()).containsOnlyKeys("test", "package");
    assertThat(compileDigest.get("test")).isEqualTo(compileDigest.get("package"));
    assertThat(goal).as(out.toString()).containsOnlyKeys("test", "package");
    // Each started before the other ended: package did not wait for test's hold on the repository.
    assertThat(goal.get("package")[0]).isBefore(goal.get("test")[1]);
    assertThat(goal.get("test")[0]).isBefore(goal.get("package")[1]);
  }

  @Test
  void integrationTestsTheAppAgainstPostgresqlStartedAsAService() throws Exception {
    Path p = example("integration");
    // a change of its own, so that the engine's cache from an earlier test run does not answer
    Files.writeString(p.resolveSibling("app/test_inventory.py"), "# " + UUID.randomUUID() + "\n",
        StandardOpenOption.APPEND);
    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain")).as(out + "\n" + err).isZero();
    assertThat(out.toString()).containsPattern("\\[test\\] service db healthy at \\d+\\.\\d+\\.\\d+\\.\\d+ after")
        .contains("test_the_database_is_postgresql (test_inventory.InventoryTest.test_the_database_is_postgresql) ... ok")
        .contains("Ran 3 tests");
    assertThat(err.toString()).contains("1 succeeded, 0 failed");
    // Cached by the service's definition, never its address: the tests do not run again
    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain")).as(out + "\n" + err).isZero();
    assertThat(out.toString()).contains("CACHED python3 -m unittest -v");
  }

  @Test
  void goTestsAndBuildsABinaryThatRunsOnTheHost() throws Exception {
    Path p = example("go");
    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain")).as(out + "\n" + err).isZero();
    assertThat(err.toString()).contains("2 succeeded, 0 failed");
    Path hello = p.resolveSibling("build/hello");
    assertThat(host(List.of(hello.toString(), "Ada"))).isEqualTo("Hello, Ada, from Kiln's go example!\n");

    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain", "build")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("CACHED sh -c mkdir -p /out && go build");
  }

  @Test
  void dockerfileBuildsExtendsExportsAndPublishesTheDockerfilesStages() throws Exception {
    Path p = example("dockerfile");
    String greeting = "hi-" + UUID.randomUUID().toString().substring(0, 8);
    String ref = "127.0.0.1:5000/kiln-e2e/dockerfile:" + greeting;

    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain", "-p", "greeting=" + greeting,
        "-p", "imageRef=" + ref, "test", "package", "image")).as(out + "\n" + err).isZero();

    assertThat(Files.readString(p.resolveSibling("build/out/greeting.txt")))
        .isEqualTo(greeting + " from a Dockerfile\n");
    assertThat(Files.readAllLines(p.resolveSibling("build/out/files.txt")))
        .contains(".dockerignore", "app")
        .doesNotContain("token.example", "build", ".kiln", "Dockerfile") // left out by .dockerignore
        .doesNotContain("pipeline.pkl"); // Kiln leaves the pipeline out of every host directory
    // the published runtime stage keeps the Dockerfile's ENTRYPOINT, ENV and WORKDIR
    // Docker's engine put the image in Docker's store too; pushed by a standalone buildkitd, `docker run` pulls it first.
    assertThat(host(List.of("docker", "run", "--rm", ref)).lines().reduce((a, b) -> b))
        .hasValue(greeting + " from a Dockerfile");
    host(List.of("docker", "rmi", ref));
  }
}
