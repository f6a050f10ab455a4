package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.evaluator.PipelineEvaluator;
import dev.kiln.model.ContainerOp;
import dev.kiln.model.Pipeline;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kiln's built-in functions called from real Pkl, as a pipeline calls them: through the stubs
 * served under {@code .kiln/schema/functions/} and the {@code kiln-fn:} reader.
 */
class BuiltInFunctionsTest {
  @TempDir Path project;

  /** The arguments of the exec of task {@code t}. */
  static List<String> exec(Pipeline p, String t) {
    return ((ContainerOp.Exec) p.tasks().get(t).run().ops().get(0)).args();
  }

  Pipeline evaluate(String body) throws Exception {
    Path file = project.resolve("pipeline.pkl");
    Files.writeString(file, "amends \".kiln/schema/Pipeline.pkl\"\n" + body);
    return PipelineEvaluator.builder().build().evaluate(file);
  }

  @Test
  void semverChecksumAndDataFunctionsReturnTypedValues() throws Exception {
    Files.writeString(project.resolve("package.json"), "{\"name\": \"app\", \"version\": \"1.4.2-rc.1\", \"tags\": [\"a\", \"b\"]}");
    Files.writeString(project.resolve("list.json"), "[1, 2, 3]");
    Files.writeString(project.resolve("abc.txt"), "abc");
    Files.writeString(project.resolve("pom.xml"), """
        <project><modelVersion>4.0.0</modelVersion><groupId>g</groupId><artifactId>a</artifactId>
        <version>3.0.1</version></project>
        """);
    Pipeline p = evaluate("""
        import ".kiln/schema/functions/semver.pkl"
        import ".kiln/schema/functions/checksum.pkl"
        import ".kiln/schema/functions/data.pkl"
        local pkg = data.readJson("package.json", null)
        local version: String = pkg.version
        local next = semver.bump(version, "minor")
        local parsed = semver.parse(version)
        local list = data.readJson("list.json", null) as Listing
        local args = List(next, semver.compare("1.0.0", "1.0.0-alpha").toString(), parsed.preRelease,
          checksum.sha256("abc.txt"), data.readPomVersion("pom.xml"), list.length.toString(),
          pkg.tags[1], semver.isValid("1.2").toString())
        tasks { ["t"] { run = module.container.from("busybox:latest").withExec(List("echo") + args) } }
        """);
    assertThat(exec(p, "t")).containsExactly("echo", "1.5.0", "1",
        "rc.1", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "3.0.1", "3", "b", "false");
  }

  @Test
  void aSchemaViolationIsAnErrorAtTheCallNamingTheJsonPointer() throws Exception {
    Files.writeString(project.resolve("config.json"), "{\"replicas\": \"three\"}");
    Files.writeString(project.resolve("config.schema.json"), """
        {"type": "object", "properties": {"replicas": {"type": "integer"}}}
        """);
    Files.writeString(project.resolve("pipeline.pkl"), """
        amends ".kiln/schema/Pipeline.pkl"
        import ".kiln/schema/functions/data.pkl"
        local config = data.readJson("config.json", "config.schema.json")
        tasks { ["t"] { run = module.container.from("busybox:latest").withExec(List("echo", config.replicas.toString())) } }
        """);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Kiln.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
        .execute("validate", project.resolve("pipeline.pkl").toString());
    assertThat(code).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("pipeline.pkl:3:16", "#/replicas").doesNotContain("Exception");
  }

  @Test
  void gitFunctionsReadTheRepositoryOnDisk() throws Exception {
    try (var git = org.eclipse.jgit.api.Git.init().setDirectory(project.toFile()).setInitialBranch("trunk").call()) {
      Files.writeString(project.resolve("a.txt"), "1");
      git.add().addFilepattern("a.txt").call();
      var commit = git.commit().setMessage("first").setAuthor("t", "t@example.com")
          .setCommitter("t", "t@example.com").setSign(false).call();
      Pipeline p = evaluate("""
          import ".kiln/schema/functions/git.pkl"
          tasks { ["t"] { run = module.container.from("busybox:latest")
            .withExec(List("echo", git.sha(null), git.branch(), git.dirty().toString())) } }
          """);
      // pipeline.pkl itself is untracked: the work tree is dirty
      assertThat(exec(p, "t")).containsExactly("echo", commit.name(), "trunk", "true");
    }
  }
}
