package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.model.CacheVolume;
import dev.kiln.model.Container;
import dev.kiln.model.Directory;
import dev.kiln.model.Pipeline;
import dev.kiln.model.Secret;
import dev.kiln.model.Task;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PlanCommandTest {
  @TempDir Path project;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private Path loaded;

  private static final String SECRET_VALUE = "hunter2-never-printed";

  private Pipeline pipeline() {
    Container build = Container.from("busybox")
        .withMountedCache("/cache", new CacheVolume("deps"))
        .withMountedSecret("/run/secrets/token", new Secret("api-token"))
        .withDirectory("/src", Directory.host("."))
        .withExec("sh", "-c", "make");
    return Pipeline.of(
        Task.run("build", build).withExport("/src/out", "out"),
        Task.run("lint", Container.from("busybox").withExec("true")),
        Task.run("release", Container.from("busybox").withExec("true")).withDependsOn("build"));
  }

  private int run(String... args) {
    CommandLine cmd = Kiln.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
    PlanCommand plan = cmd.getSubcommands().get("plan").getCommand();
    plan.loader = file -> {
      loaded = file;
      return pipeline();
    };
    return cmd.execute(args);
  }

  @Test
  void printsTasksOpsCachesSecretNamesAndExports() throws Exception {
    Files.writeString(project.resolve(".dockerignore"), "node_modules/\n");
    Files.writeString(project.resolve(".kilnignore"), "*.tmp\n");
    Path file = project.resolve("pipeline.pkl");
    int code = run("plan", "-f", file.toString(), "release");
    assertThat(code).isZero();
    assertThat(loaded).isEqualTo(file);
    String text = out.toString();
    assertThat(text).startsWith("plan for Docker 20.10 (BuildKit v0.8): 2 tasks");
    assertThat(text).contains("task build", "task release (after build)", "export /src/out -> out",
        "[cache deps at /cache]", "[secret api-token at /run/secrets/token]",
        // .git, .kiln and the pipeline file first, then git's rules (applied by the file sender), then the
        // project's .dockerignore/.kilnignore
        "local.excludepatterns=[\".git\",\".kiln\",\"pipeline.pkl\",\".kiln/gitignore\",\"node_modules\",\"*.tmp\"]",
        "secrets: api-token");
    assertThat(text).doesNotContain("task lint").doesNotContain(SECRET_VALUE);
  }

  @Test
  void jsonAndDot() {
    assertThat(run("plan", "-f", project.resolve("pipeline.pkl").toString(), "--format", "json")).isZero();
    assertThat(out.toString()).contains("\"name\" : \"lint\"", "\"kind\" : \"export\"");
    out.getBuffer().setLength(0);
    assertThat(run("plan", "-f", project.resolve("pipeline.pkl").toString(), "--format", "DOT", "lint")).isZero();
    assertThat(out.toString()).startsWith("digraph plan {").contains("task:lint");
  }

  @Test
  void engineLatestIsNamedInThePlan() {
    assertThat(run("plan", "-f", project.resolve("pipeline.pkl").toString(), "--assume-engine", "latest", "lint")).isZero();
    assertThat(out.toString()).startsWith("plan for BuildKit latest");
  }

  @Test
  void unknownTaskIsAnInvalidUsageWithAHint() {
    int code = run("plan", "-f", project.resolve("pipeline.pkl").toString(), "biuld");
    assertThat(code).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).isEqualTo(
        "kiln: error: no task named 'biuld'\nhint: did you mean 'build'? (tasks: build, lint, release)\n");
  }

  @Test
  void badFlagsAreUsageErrors() {
    assertThat(run("plan", "--format", "yaml")).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("expected text, json or dot");
    assertThat(run("plan", "--assume-engine", "docker-19")).isEqualTo(ExitCodes.INVALID);
  }

  @Test
  void theProductionLoaderEvaluatesThePipeline() {
    CommandLine cmd = Kiln.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
    int code = cmd.execute("plan", "-f", "../examples/hello/pipeline.pkl");
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("task hello", "export /out/hello.txt -> build/hello.txt");
  }
}
