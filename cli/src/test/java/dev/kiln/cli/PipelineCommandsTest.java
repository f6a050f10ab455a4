package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.evaluator.KilnSchema;
import dev.kiln.model.SourceLocation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln validate}, {@code kiln list} and {@code kiln init}, through the real command line. */
class PipelineCommandsTest extends KilnInProcess {
  private static final String HELLO = "../examples/hello/pipeline.pkl";
  private static final String FAN_OUT = "../examples/fan-out/pipeline.pkl";
  /** Kiln's own pipeline, which .ci/run runs on the engine. */
  private static final String KILN = "../pipeline.pkl";

  @TempDir Path dir;

  @Test
  void validateAcceptsTheExamples() {
    assertThat(kiln("validate", HELLO, FAN_OUT)).as(err.toString()).isZero();
    assertThat(out.toString()).isEqualTo(HELLO + ": ok (1 task)\n" + FAN_OUT + ": ok (4 tasks)\n");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void validateAcceptsKilnsOwnPipeline() {
    assertThat(kiln("validate", KILN)).as(err.toString()).isZero();
    assertThat(out.toString()).isEqualTo(KILN + ": ok (2 tasks)\n");
    assertThat(kiln("list", "-f", KILN)).as(err.toString()).isZero();
    assertThat(out.toString()).containsPattern("package +Builds .*\\[default]")
        .containsPattern("unit-test +Runs .*\\[default]");
  }

  @Test
  void validateAlsoTakesFilesWithDashF() {
    assertThat(kiln("validate", "-f", HELLO, FAN_OUT)).as(err.toString()).isZero();
    assertThat(out.toString()).isEqualTo(HELLO + ": ok (1 task)\n" + FAN_OUT + ": ok (4 tasks)\n");
  }

  @Test
  void validateReportsEveryIndependentErrorAtOnceInTextAndJson() throws Exception {
    Path bad = Files.writeString(dir.resolve("pipeline.pkl"), """
        amends ".kiln/schema/Pipeline.pkl"
        local b = container.from("busybox:latest")
        tasks {
          ["lint"] { run = b.withExec("make lint") }
          ["test"] { run = b.withWorkdir("src") }
          ["build"] { run = b }
          ["image"] { publish = b; ref = "Example.com/App" }
        }
        """);
    assertThat(kiln("validate", bad.toString())).isEqualTo(ExitCodes.INVALID);
    String text = err.toString();
    assertThat(text).contains("pipeline.pkl:4:", "pipeline.pkl:5:", "pipeline.pkl:7:").endsWith("kiln: 3 errors\n");
    assertThat(text.indexOf("pipeline.pkl:4:")).isLessThan(text.indexOf("pipeline.pkl:5:"));
    assertThat(text.indexOf("pipeline.pkl:5:")).isLessThan(text.indexOf("pipeline.pkl:7:"));

    assertThat(kiln("validate", "--format", "json", bad.toString())).isEqualTo(ExitCodes.INVALID);
    JsonNode errors = new ObjectMapper().readTree(out.toString()).path("files").path(0).path("errors");
    assertThat(errors).hasSize(3);
    assertThat(errors.get(2).path("message").asText()).isEqualTo("`Example.com/App` is not a valid image reference");
    assertThat(errors.get(2).path("location").path("line").asInt()).isEqualTo(7);
  }

  @Test
  void validateReportsTheFirstErrorOfEachInvalidFileWithItsLocation() throws Exception {
    Path bad = Files.writeString(dir.resolve("pipeline.pkl"), """
        amends ".kiln/schema/Pipeline.pkl"
        local b = container.from("busybox:latest")
        tasks {
          ["test"] { dependsOn { "biuld" }; run = b }
          ["build"] { run = b }
        }
        """);
    assertThat(kiln("validate", HELLO, bad.toString())).isEqualTo(ExitCodes.INVALID);
    assertThat(out.toString()).isEqualTo(HELLO + ": ok (1 task)\n");
    String display = SourceLocation.of(bad).file().toString();
    assertThat(err.toString()).isEqualTo(display + ":4:26: error: task `test` depends on unknown task `biuld`\n"
        + " 4 |   [\"test\"] { dependsOn { \"biuld\" }; run = b }\n"
        + "   |                          ^\n"
        + "hint: did you mean `build`?\n");
  }

  @Test
  void validateJson() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.pkl"), "amends \".kiln/schema/Pipeline.pkl\"\ntasks { [\"A\"] {} }\n");
    assertThat(kiln("validate", "--format", "json", HELLO, bad.toString())).isEqualTo(ExitCodes.INVALID);
    JsonNode report = new ObjectMapper().readTree(out.toString());
    assertThat(report.get("valid").asBoolean()).isFalse();
    assertThat(report.at("/files/0/valid").asBoolean()).isTrue();
    assertThat(report.at("/files/0/tasks").asInt()).isEqualTo(1);
    assertThat(report.at("/files/1/error/message").asText()).isEqualTo("`A` is not a valid task name");
    assertThat(report.at("/files/1/error/location/line").asInt()).isEqualTo(2);
    assertThat(report.at("/files/1/error/location/column").asInt()).isEqualTo(10);
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void validateChecksParameterOverrides() {
    assertThat(kiln("validate", "--param", "name=kiln", HELLO)).isZero();
    assertThat(kiln("validate", "--param", "nmae=kiln", HELLO)).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("unknown parameter `nmae`", "hint: declared parameters: name");
  }

  @Test
  void validateWithoutAPipelineSaysHowToMakeOne() {
    assertThat(kiln("validate", dir.resolve("pipeline.pkl").toString())).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("no pipeline at").contains("hint: run `kiln init`");
  }

  @Test
  void listShowsTasksAndParams() {
    assertThat(kiln("list", "-f", FAN_OUT)).isZero();
    assertThat(out.toString()).isEqualTo("""
        tasks:
          alpha  Produces /out/alpha.txt
          beta   Produces /out/beta.txt
          gamma  Produces /out/gamma.txt
          join   Concatenates the three parts into build/joined.txt (after alpha, beta, gamma)
        """);
    assertThat(kiln("list", "-f", HELLO, "-p", "name=you")).isZero();
    assertThat(out.toString()).endsWith("params:\n  name: String = \"world\" (now \"you\")  Who to greet.\n");
  }

  @Test
  void listShowsTriggers() throws Exception {
    String triggers = "../examples/triggers/pipeline.pkl";
    assertThat(kiln("list", "-f", triggers)).as(err.toString()).isZero();
    assertThat(out.toString()).endsWith("""
        triggers (kiln serve):
          push to main, release/* touching src/**, pipeline.pkl
          pull request into main
          schedule "30 2 * * 1-5" Europe/Paris on main with slow=true
        """);
    assertThat(kiln("list", "-f", triggers, "--format", "json")).isZero();
    JsonNode list = new ObjectMapper().readTree(out.toString());
    assertThat(list.at("/triggers/0/kind").asText()).isEqualTo("push");
    assertThat(list.at("/triggers/0/branches/1").asText()).isEqualTo("release/*");
    assertThat(list.at("/triggers/2/cron").asText()).isEqualTo("30 2 * * 1-5");
    assertThat(list.at("/triggers/2/params/slow").asText()).isEqualTo("true");
  }

  @Test
  void listJson() throws Exception {
    assertThat(kiln("list", "-f", HELLO, "--format", "json")).isZero();
    JsonNode list = new ObjectMapper().readTree(out.toString());
    assertThat(list.at("/tasks/0/name").asText()).isEqualTo("hello");
    assertThat(list.at("/params/0/type").asText()).isEqualTo("String");
    assertThat(list.at("/params/0/default").asText()).isEqualTo("world");
  }

  @Test
  void initWritesAStarterThatValidatesAndKeepsAnExistingPipeline() throws Exception {
    assertThat(kiln("init", dir.toString())).isZero();
    assertThat(dir.resolve(".kiln/schema/Pipeline.pkl")).usingCharset(StandardCharsets.UTF_8)
        .hasContent(KilnSchema.read("Pipeline.pkl").orElseThrow());
    assertThat(dir.resolve(".kiln/schema/VERSION")).hasContent(KilnSchema.version());
    // the standard library, for editors
    for (String module : KilnSchema.MODULES) {
      assertThat(dir.resolve(".kiln/schema").resolve(module)).as(module).usingCharset(StandardCharsets.UTF_8)
          .hasContent(KilnSchema.read(module).orElseThrow());
    }
    assertThat(KilnSchema.MODULES).contains("std/maven.pkl", "std/go.pkl", "std/image.pkl");
    // what Kiln keeps per machine stays out of version control (initAddsWhatKilnWritesToGitignoreOnce)
    assertThat(Files.readString(dir.resolve(".kiln/.gitignore"))).contains("/*\n!/plugins/\n");
    assertThat(kiln("validate", dir.resolve("pipeline.pkl").toString())).as(err.toString()).isZero();

    Files.writeString(dir.resolve("pipeline.pkl"), "amends \".kiln/schema/Pipeline.pkl\"\n");
    Files.writeString(dir.resolve(".kiln/schema/VERSION"), "0\n");
    assertThat(kiln("validate", dir.resolve("pipeline.pkl").toString())).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("hint: run `kiln init --schema-only`");
    assertThat(kiln("init", dir.toString())).isZero();
    assertThat(dir.resolve("pipeline.pkl")).hasContent("amends \".kiln/schema/Pipeline.pkl\"");
    assertThat(kiln("validate", dir.resolve("pipeline.pkl").toString())).isZero();
  }

  /**
   * After {@code kiln init}, a run's outputs and everything Kiln keeps in {@code .kiln/} (the schema
   * included) are ignored by git, plugins are not; a second init, or a {@code .gitignore} that
   * already says so in its own words, gets no line twice.
   */
  @Test
  void initAddsWhatKilnWritesToGitignoreOnce() throws Exception {
    Files.writeString(dir.resolve(".gitignore"), "target/\n/build"); // no newline at the end
    assertThat(kiln("init", dir.toString())).as(err.toString()).isZero();
    assertThat(out.toString()).contains("added .kiln/*, !.kiln/plugins/ to " + dir.resolve(".gitignore"));
    String gitignore = Files.readString(dir.resolve(".gitignore"));
    assertThat(gitignore).startsWith("target/\n/build\n# Kiln: ").endsWith("\n.kiln/*\n!.kiln/plugins/\n");
    assertThat(kiln("init", dir.toString())).isZero();
    assertThat(dir.resolve(".gitignore")).hasContent(gitignore);

    // what git sees: a run's outputs and Kiln's files are ignored, the project's own files are not
    assertThat(kiln("validate", dir.resolve("pipeline.pkl").toString())).as(err.toString()).isZero();
    for (String f : List.of("build/hello.txt", ".kiln/results/hello/version", ".kiln/last-run.json",
        ".kiln/plugins/team-functions.jar", "src/main.go")) {
      Files.createDirectories(dir.resolve(f).getParent());
      Files.writeString(dir.resolve(f), "x");
    }
    try (var git = org.eclipse.jgit.api.Git.init().setDirectory(dir.toFile()).call()) {
      assertThat(git.status().call().getUntracked())
          .containsExactlyInAnyOrder(".gitignore", "pipeline.pkl", ".kiln/plugins/team-functions.jar", "src/main.go");
    }

    Path fresh = Files.createDirectories(dir.resolve("fresh"));
    assertThat(kiln("init", "--schema-only", fresh.toString())).isZero();
    assertThat(fresh.resolve(".gitignore")).doesNotExist();
    assertThat(kiln("init", fresh.toString())).isZero();
    assertThat(fresh.resolve(".gitignore")).content().endsWith("\nbuild/\n.kiln/*\n!.kiln/plugins/\n");
  }

  /**
   * What an editor does (the Pkl IntelliJ plugin, pkl-lsp): resolve the starter's {@code amends}
   * and a pipeline's standard-library imports from disk with nothing but Pkl itself, no Kiln code,
   * no network, no settings, and find the schema's classes and the pipelines' tasks.
   */
  @Test
  void initLetsAPlainPklEvaluatorResolveTheSchemaOffline() throws Exception {
    assertThat(kiln("init", dir.toString())).isZero();
    Path std = Files.writeString(dir.resolve("std.pkl"), """
        amends ".kiln/schema/Pipeline.pkl"
        import ".kiln/schema/std/maven.pkl"
        import ".kiln/schema/std/gradle.pkl"
        import ".kiln/schema/std/go.pkl"
        import ".kiln/schema/std/node.pkl"
        import ".kiln/schema/std/image.pkl"
        local mvn = new maven.Maven { offline = true }
        local src = host.directory(".")
        tasks {
          ["maven"] { run = mvn.run(mvn.project(src), List("verify")) }
          ["gradle"] { run = new gradle.Gradle {}.run(new gradle.Gradle {}.project(src), List("build")) }
          ["go"] { run = new go.Go {}.test(new go.Go {}.project(src), List("./...")) }
          ["node"] { run = new node.Node {}.ci(new node.Node {}.project(src)) }
          ["image"] {
            publish = image.nonRoot(image.javaApp(mvn.project(src).file("/src/target/app.jar")), "app", 10001)
            ref = "127.0.0.1:5000/app:1"
          }
        }
        """);
    var builder = org.pkl.core.EvaluatorBuilder.unconfigured()
        .setStackFrameTransformer(org.pkl.core.StackFrameTransformers.empty)
        .addModuleKeyFactory(org.pkl.core.module.ModuleKeyFactories.standardLibrary)
        .addModuleKeyFactory(org.pkl.core.module.ModuleKeyFactories.file)
        .addResourceReader(org.pkl.core.resource.ResourceReaders.file())
        .setAllowedModules(List.of(Pattern.compile("pkl:"), Pattern.compile("file:")))
        .setAllowedResources(List.of(Pattern.compile("file:"), Pattern.compile("env:"),
            Pattern.compile("prop:")));
    try (var ev = builder.build()) {
      var module = ev.evaluate(org.pkl.core.ModuleSource.path(dir.resolve("pipeline.pkl")));
      assertThat(module.getClassInfo().getQualifiedName()).startsWith("kiln.Pipeline");
      @SuppressWarnings("unchecked")
      var tasks = (Map<String, Object>) module.getProperty("tasks");
      assertThat(tasks).isNotEmpty();

      var withStd = ev.evaluate(org.pkl.core.ModuleSource.path(std));
      @SuppressWarnings("unchecked")
      var stdTasks = (Map<String, org.pkl.core.PObject>) withStd.getProperty("tasks");
      assertThat(stdTasks).containsOnlyKeys("maven", "gradle", "go", "node", "image");
      var maven = (org.pkl.core.PObject) stdTasks.get("maven").getProperty("run");
      assertThat(maven.getClassInfo().getQualifiedName()).isEqualTo("kiln.Pipeline#Container");
      @SuppressWarnings("unchecked")
      var ops = (List<org.pkl.core.PObject>) maven.getProperty("ops");
      assertThat(ops.get(ops.size() - 1).getProperty("args")).isEqualTo(List.of("mvn", "-B", "-o", "verify"));
    }
  }
}
