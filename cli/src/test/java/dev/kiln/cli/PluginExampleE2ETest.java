package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/plugin}: a team's own functions, built by their own Maven project (a module of
 * this reactor, built before the cli), loaded with {@code --plugins} or from {@code .kiln/plugins},
 * and called by the example pipeline on the real engine.
 */
@Tag("e2e")
class PluginExampleE2ETest extends KilnInProcess {
  static final Path EXAMPLE = Path.of("../examples/plugin");
  @TempDir Path dir;
  Path project;
  Path plugins;

  @BeforeAll
  static void engineIsThere() {
    DockerEngine.require();
  }

  /** A copy of the example's pipeline and changelog, and the directory holding the plugin's jar. */
  @org.junit.jupiter.api.BeforeEach
  void copyExample() throws IOException {
    project = Files.createDirectories(dir.resolve("project"));
    Files.copy(EXAMPLE.resolve("pipeline.pkl"), project.resolve("pipeline.pkl"));
    Files.copy(EXAMPLE.resolve("CHANGELOG.md"), project.resolve("CHANGELOG.md"));
    plugins = Files.createDirectories(dir.resolve("plugins"));
    try (Stream<Path> jars = Files.list(EXAMPLE.resolve("target"))) {
      Path jar = jars.filter(p -> p.getFileName().toString().matches("release-functions-.*\\.jar")).findFirst()
          .orElseThrow(() -> new AssertionError("build examples/plugin first (mvn verify builds it before the cli)"));
      Files.copy(jar, plugins.resolve(jar.getFileName()));
    }
  }

  @Test
  void thePipelineCallsTheTeamsFunctionsAtEvaluationAndAtRunTime() throws Exception {
    String file = project.resolve("pipeline.pkl").toString();
    int code = kiln("run", "-f", file, "--plugins", plugins.toString(), "--progress", "plain");
    assertThat(code).as(out + "\n" + err).isZero();
    // changelog.section, at evaluation: the notes of 1.1.0 reached the site
    assertThat(Files.readString(project.resolve("build/site/RELEASE-NOTES.md")))
        .isEqualTo("# Release 1.1.0\n\n### Added\n- Size budgets for build outputs (`budget.check`)\n");
    // budget.check, at run time: measured the site copied out of the engine
    long size = Files.size(project.resolve("build/site/tool")) + Files.size(project.resolve("build/site/RELEASE-NOTES.md"));
    assertThat(Files.readString(project.resolve(".kiln/results/budget/bytes")).strip()).isEqualTo(Long.toString(size));
    assertThat(Files.readString(project.resolve(".kiln/results/budget/files")).strip()).isEqualTo("2");
    assertThat(out.toString()).contains("[budget] result bytes = " + size);
  }

  @Test
  void jarsInDotKilnPluginsLoadWhenTrustedAndFailuresAreReportedAsSuch() throws Exception {
    Path local = Files.createDirectories(project.resolve(".kiln/plugins"));
    try (Stream<Path> jars = Files.list(plugins)) {
      for (Path jar : jars.toList()) {
        Files.copy(jar, local.resolve(jar.getFileName()));
      }
    }
    String file = project.resolve("pipeline.pkl").toString();
    // the project's own jars run only with the user's consent
    assertThat(kiln("validate", file)).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("is not trusted", "kiln trust", "--trust");
    // over budget: the run-time function fails its task
    assertThat(kiln("run", "-f", file, "--trust", "-p", "budgetBytes=1000", "--progress", "plain")).as(err.toString())
        .isEqualTo(ExitCodes.TASK_FAILED);
    assertThat(err.toString()).contains("task budget failed", "over its budget of 1000").doesNotContain("Exception");
    // a release without notes: the evaluation-time function's error, at the call in the pipeline
    assertThat(kiln("validate", "--trust", "-p", "version=9.9.9", file)).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("pipeline.pkl:24:", "CHANGELOG.md has no section for 9.9.9; it has: Unreleased, 1.1.0, 1.0.0");
  }
}
