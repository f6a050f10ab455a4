package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dockerfiles on the real engine, built by its own Dockerfile frontend: one of the repository's
 * with a step on top, a Dockerfile outside its context with its own {@code Dockerfile.dockerignore},
 * a build argument and a secret, and errors at the Dockerfile's line ({@code examples/dockerfile}
 * is built, exported and published by {@link ExamplesE2ETest}).
 */
@Tag("e2e")
class DockerfileE2ETest extends KilnInProcess {
  @TempDir Path project;

  @BeforeAll
  static void engineIsThere() {
    DockerEngine.require();
  }

  private Path pipeline(String body) throws IOException {
    return Files.writeString(project.resolve("pipeline.pkl"), "amends \".kiln/schema/Pipeline.pkl\"\n" + body);
  }

  private Path write(String path, String text) throws IOException {
    Path file = project.resolve(path);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }

  @Test
  void buildsTheRepositorysFanOutDockerfileAndRunsAStepOnTopOfIt() throws IOException {
    Path dockerfile = project.resolve("bench/dockerfiles/fan-out/Dockerfile");
    Files.createDirectories(dockerfile.getParent());
    Files.copy(Path.of("../bench/dockerfiles/fan-out/Dockerfile"), dockerfile);
    Path p = pipeline("""
        local joined = (container.dockerfile(host.directory("bench/dockerfiles/fan-out"), "Dockerfile")) {
          build { target = "join" }
        }
        tasks {
          ["on-top"] {
            run = joined.withExec(List("sh", "-c", "cp /out/joined.txt /out/seen.txt && echo %s >> /out/seen.txt"))
            exports { ["/out/seen.txt"] = "build/seen.txt" }
          }
        }
        """.formatted(UUID.randomUUID()));

    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain")).as(out + "\n" + err).isZero();
    // the Dockerfile's three stages joined, then Kiln's step
    assertThat(Files.readString(project.resolve("build/seen.txt"))).startsWith("alpha\nbeta\ngamma\n");
    assertThat(out.toString()).contains("[join 5/5] RUN mkdir -p /out && cat /in/alpha.txt");
  }

  @Test
  void aDockerfileOutsideItsContextUsesItsOwnDockerignore() throws IOException {
    write("src/keep.txt", "kept\n");
    write("src/skip.log", "left out by the context's own .dockerignore\n");
    write("src/local.tmp", "left out by the Dockerfile's .dockerignore\n");
    write("src/.dockerignore", "*.log\n");
    write("docker/app.Dockerfile", """
        FROM busybox:latest
        ARG NOTE
        COPY . /ctx/
        RUN --mount=type=secret,id=note cat /run/secrets/note > /ctx/secret-was-there && echo "$NOTE" > /ctx/note
        """);
    write("docker/app.Dockerfile.dockerignore", "*.tmp\n");
    write("note.txt", "x");
    Path p = pipeline("""
        local built = (container.dockerfile(host.directory("src"), host.directory("docker").file("app.Dockerfile"))) {
          build {
            buildArgs { ["NOTE"] = "%s" }
            secrets { module.fileSecret("note", "note.txt") }
          }
        }
        tasks {
          ["list"] {
            run = built.withExec(List("sh", "-c", "mkdir -p /out && ls -A /ctx > /out/ls && cp /ctx/note /out/"))
            exports { ["/out"] = "build/out" }
          }
        }
        """.formatted(UUID.randomUUID()));

    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain")).as(out + "\n" + err).isZero();
    // BuildKit's rule: the Dockerfile's own ignore file replaces the context's .dockerignore
    assertThat(Files.readAllLines(project.resolve("build/out/ls")))
        .containsExactlyInAnyOrder(".dockerignore", "keep.txt", "skip.log", "note", "secret-was-there");
    assertThat(Files.readString(project.resolve("build/out/note"))).hasSize(37);
  }

  @Test
  void aSyntaxErrorIsReportedAtTheDockerfilesLine() throws IOException {
    write("app/Dockerfile", "FROM busybox:latest\nRUN true\nFROBNICATE /x\n");
    Path p = pipeline("""
        local app = container.dockerfile(host.directory("app"), "Dockerfile")
        tasks { ["t"] { run = app.withExec(List("true")) } }
        """);

    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain")).as(out + "\n" + err).isEqualTo(2);
    assertThat(err.toString())
        .contains("app/Dockerfile:3: error: unknown instruction: FROBNICATE")
        .contains(" 3 | FROBNICATE /x")
        .doesNotContain("\tat ");
  }

  @Test
  void aFailingRunStepIsReportedAtItsDockerfileLine() throws IOException {
    write("app/Dockerfile", "FROM busybox:latest\nRUN echo fine\nRUN echo %s && exit 7\n"
        .formatted(UUID.randomUUID()));
    Path p = pipeline("""
        local app = container.dockerfile(host.directory("app"), "Dockerfile")
        tasks { ["t"] { run = app.withExec(List("true")) } }
        """);

    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain")).as(out + "\n" + err).isEqualTo(1);
    assertThat(out + "\n" + err).contains("exit code 7").containsPattern("  at: \\S*/app/Dockerfile:3\\n");
  }

  @Test
  void aSyntaxLineWhoseFrontendCannotBePulledFallsBackToTheBuiltInFrontend() throws IOException {
    // Nothing listens on port 9: the frontend image cannot be had, as docker/dockerfile:1 offline.
    write("app/Dockerfile", """
        # syntax=127.0.0.1:9/kiln-test/no-such-frontend:1
        FROM busybox:latest
        RUN --mount=type=cache,target=/cache echo %s > /built.txt
        """.formatted(UUID.randomUUID()));
    Path p = pipeline("""
        local app = container.dockerfile(host.directory("app"), "Dockerfile")
        tasks { ["t"] { run = app.withExec(List("sh", "-c", "test -s /built.txt")) } }
        """);

    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain")).as(out + "\n" + err).isZero();
    assertThat(err.toString()).contains("app/Dockerfile: its `# syntax=` frontend image could not be used")
        .contains("built with the engine's built-in Dockerfile frontend instead");
  }
}
