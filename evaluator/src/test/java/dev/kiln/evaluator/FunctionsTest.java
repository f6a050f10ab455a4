package dev.kiln.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.model.ContainerOp;
import dev.kiln.model.FunctionRegistry;
import dev.kiln.model.Pipeline;
import dev.kiln.model.PipelineException;
import dev.kiln.testsupport.PluginJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pkl.core.EvaluatorBuilder;
import org.pkl.core.ModuleSource;
import org.pkl.core.PModule;
import org.pkl.core.PObject;
import org.pkl.core.StackFrameTransformers;
import org.pkl.core.module.ModuleKeyFactories;
import org.pkl.core.resource.ResourceReaders;

/** Evaluation-time Java functions through real Pkl: stubs, the kiln-fn: reader, errors, inputs. */
class FunctionsTest {
  @TempDir Path project;

  /** A pipeline whose one task, {@code t}, echoes {@code args} (Pkl expressions). */
  Path pipeline(String... args) throws IOException {
    Path file = project.resolve("pipeline.pkl");
    Files.writeString(file, """
        amends ".kiln/schema/Pipeline.pkl"
        import ".kiln/schema/functions/testfn.pkl"

        tasks {
          ["t"] { run = module.container.from("busybox:latest").withExec(List("echo", %s)) }
        }
        """.formatted(String.join(", ", args)));
    return file;
  }

  static List<String> echoed(Pipeline p) {
    ContainerOp.Exec exec = (ContainerOp.Exec) p.tasks().get("t").run().ops().get(0);
    return exec.args().subList(1, exec.args().size());
  }

  Pipeline evaluate(Path file) {
    return PipelineEvaluator.builder().build().evaluate(file);
  }

  @Test
  void typedResultsReachTheModel() throws IOException {
    Pipeline p = evaluate(pipeline(
        "testfn.upper(\"kiln\")",
        "testfn.sum(List(1, 2, 39)).toString()",
        "(testfn.sum(List()) + 1).toString()",
        "testfn.half(5.0).toString()",
        "testfn.half(1.5).toString()",
        "testfn.lengths(List(\"a\", \"abc\")).toString()",
        "testfn.lengths(List(\"a\", \"abc\"))[\"abc\"].toString()",
        "testfn.meta(null).name",
        "testfn.meta(Map(\"x\", true)).tags.toMap().toString()",
        "testfn.meta(null).versions.toList().toString()",
        "testfn.`import`(\"class\")",
        "testfn.echo(\"a\", \"-\", 3)",
        "testfn.echo(\"a\", null, null)"));

    assertThat(echoed(p)).containsExactly("KILN", "42", "1", "2.5", "0.75", "Map(\"a\", 1, \"abc\", 3)", "3",
        "kiln", "Map(\"x\", true)", "List(1, 2.5, \"three\")", "imported class", "a-a-a-", "a");
  }

  @Test
  void anyStringRoundTrips() throws IOException {
    String tricky = "quote \" backslash \\ newline \n tab \t unicode ü 日本 🚀 ? # % & = + / %41 ${x} \\(x)";
    Files.writeString(project.resolve("tricky.txt"), tricky);

    Pipeline p = evaluate(pipeline("testfn.echo(read(\"tricky.txt\").text, null, 2)"));

    assertThat(echoed(p)).containsExactly(tricky + tricky);
  }

  @Test
  void wrongArgumentTypesAreRejectedByPklAtTheCallSite() throws IOException {
    Path file = pipeline("testfn.sum(List(\"one\")).toString()");

    assertThatThrownBy(() -> evaluate(file))
        .isInstanceOfSatisfying(PipelineException.class, e -> {
          assertThat(e.getMessage()).contains("Expected value of type `Int`, but got type `String`");
          assertThat(e.location().orElseThrow().toString()).endsWith("pipeline.pkl:5:79");
        });
  }

  @Test
  void aFailingFunctionIsReportedAtItsCall() throws IOException {
    Path file = pipeline("\"ok\"", "testfn.fail(\"the tag v9 does not exist\")");

    assertThatThrownBy(() -> evaluate(file))
        .isInstanceOfSatisfying(PipelineException.class, e -> {
          assertThat(e.getMessage()).isEqualTo("`testfn.fail`: the tag v9 does not exist");
          assertThat(e.location().orElseThrow().toString()).endsWith("pipeline.pkl:5:85");
          assertThat(e.hint()).hasValueSatisfying(h -> assertThat(h).contains("kiln schema --list"));
        });
  }

  @Test
  void aCrashingFunctionIsABugInItsPlugin() throws IOException {
    Path file = pipeline("testfn.crash()");

    assertThatThrownBy(() -> evaluate(file))
        .isInstanceOfSatisfying(PipelineException.class, e -> {
          assertThat(e.getMessage()).isEqualTo(
              "function `testfn.crash` failed with java.lang.IllegalStateException: index out of whack");
          assertThat(e.location().orElseThrow().toString()).endsWith("pipeline.pkl:5:79");
          assertThat(e.hint().orElseThrow()).contains("bug in the function").contains("test-classes");
          assertThat(e.getCause()).isInstanceOf(IllegalStateException.class);
        });
  }

  @Test
  void aResultOfTheWrongTypeIsABugInItsPlugin() throws IOException {
    Path file = pipeline("testfn.liar()");

    assertThatThrownBy(() -> evaluate(file))
        .isInstanceOfSatisfying(PipelineException.class, e -> {
          assertThat(e.getMessage()).isEqualTo("function `testfn.liar` returned a value that is not its declared"
              + " String: the result is a java.lang.Integer: 42");
          assertThat(e.hint().orElseThrow()).contains("bug in the function");
        });
  }

  @Test
  void theReaderChecksArgumentsOfHandWrittenReads() throws IOException {
    String args = Base64.getEncoder().encodeToString("{\"xs\": [1, \"2\"]}".getBytes());
    Path file = pipeline("read(\"kiln-fn:testfn.sum?" + args + "\").text");

    assertThatThrownBy(() -> evaluate(file))
        .isInstanceOfSatisfying(PipelineException.class, e -> {
          assertThat(e.getMessage()).isEqualTo("`testfn.sum`: argument `xs` must be List<Int>, not \"2\"");
          assertThat(e.location().orElseThrow().line()).isEqualTo(5);
        });
    assertThatThrownBy(() -> evaluate(pipeline("read(\"kiln-fn:testfn.upper\").text")))
        .hasMessage("`testfn.upper`: missing argument `s`");
    assertThatThrownBy(() -> evaluate(pipeline("read(\"kiln-fn:testfn.uper\").text")))
        .isInstanceOfSatisfying(PipelineException.class, e -> {
          assertThat(e.getMessage()).isEqualTo("no function `testfn.uper` is loaded");
          assertThat(e.hint()).hasValue("did you mean `testfn.upper`?");
        });
  }

  @Test
  void runTimeFunctionsCannotBeReadAtEvaluation() throws IOException {
    Path file = pipeline("read(\"kiln-fn:testfn.deploy\").text");

    assertThatThrownBy(() -> evaluate(file))
        .hasMessageContaining("`testfn.deploy` is a run-time function");
  }

  @Test
  void pathsOutsideTheProjectAreRefused() throws IOException {
    Path root = project.resolve("app");
    Files.createDirectories(root);
    Files.writeString(project.resolve("secret.txt"), "s3cr3t");
    Files.createSymbolicLink(root.resolve("link.txt"), project.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("linkdir"), project);
    for (String path : List.of("../secret.txt", "/etc/passwd", "link.txt", "linkdir/secret.txt", "a/../../secret.txt")) {
      Path file = root.resolve("pipeline.pkl");
      Files.writeString(file, """
          amends ".kiln/schema/Pipeline.pkl"
          import ".kiln/schema/functions/testfn.pkl"
          tasks { ["t"] { run = module.container.from("busybox:latest").withExec(List(testfn.readFile("%s"))) } }
          """.formatted(path));

      assertThatThrownBy(() -> evaluate(file))
          .as(path)
          .isInstanceOfSatisfying(PipelineException.class, e -> {
            assertThat(e.getMessage()).startsWith("`testfn.readFile`: `" + path + "` is ")
                .containsAnyOf("outside the project", "absolute");
            assertThat(e.location().orElseThrow().toString()).endsWith("pipeline.pkl:3:77");
          });
    }
  }

  @Test
  void filesFunctionsDependOnAreInputsOfTheEvaluation() throws IOException {
    Files.createDirectories(project.resolve("conf"));
    Files.writeString(project.resolve("conf/version.txt"), "1.4.2\n");
    Path file = pipeline("testfn.readFile(\"conf/version.txt\")", "testfn.readFile(\"./conf/version.txt\")");

    Evaluation e = PipelineEvaluator.builder().build().evaluation(file);

    assertThat(echoed(e.pipeline())).containsExactly("1.4.2", "1.4.2");
    Path version = project.resolve("conf/version.txt").toAbsolutePath().normalize();
    assertThat(e.functionInputs()).containsExactly(version);
    assertThat(e.inputs()).contains(version, file.toAbsolutePath().normalize());
    assertThat(e.cacheable()).isTrue();
  }

  @Test
  void aFunctionCanMakeTheEvaluationUncacheable() throws IOException {
    Evaluation e = PipelineEvaluator.builder().build().evaluation(pipeline("testfn.now().toString()"));

    assertThat(e.cacheable()).isFalse();
    assertThat(e.uncacheable()).contains("testfn.now");
  }

  @Test
  void aChangedDependencyIsEvaluatedAgainThroughTheCache() throws IOException {
    Files.writeString(project.resolve("version.txt"), "1");
    Path file = pipeline("testfn.readFile(\"version.txt\")");
    PipelineEvaluator cached = PipelineEvaluator.builder().cache(project.resolve(".kiln/cache"), "b1").build();

    assertThat(echoed(cached.evaluate(file))).containsExactly("1");
    Evaluation hit = cached.evaluation(file);
    assertThat(hit.functionInputs()).containsExactly(project.resolve("version.txt").toAbsolutePath().normalize());
    Files.writeString(project.resolve("version.txt"), "2");
    assertThat(echoed(cached.evaluate(file))).containsExactly("2");
  }

  @Test
  void stubsAreServedWithoutAVendoredCopyAndWinOverAStaleOne() throws IOException {
    Path stale = project.resolve(".kiln/schema/functions/testfn.pkl");
    Files.createDirectories(stale.getParent());
    Files.writeString(stale, "function upper(s: String): String = \"stale\"\n");

    assertThat(echoed(evaluate(pipeline("testfn.upper(\"x\")")))).containsExactly("X");
  }

  @Test
  void generatedStubsAreValidPklForAPlainEvaluator() throws IOException {
    Path schema = KilnSchema.writeTo(project);
    List<Path> written = FunctionStubs.of(FunctionRegistry.builtIn()).writeTo(schema);
    assertThat(written).extracting(p -> p.getFileName().toString()).contains("testfn.pkl");
    String text = Files.readString(schema.resolve("functions/testfn.pkl"));
    assertThat(text)
        .contains("/// [s] in upper case.\n///\n/// - [s]: Any text.\nfunction upper(s: String): String =")
        .contains("function echo(s: String, suffix: String?, times: Int?): String =")
        .contains("function `import`(`class`: String): String =")
        .contains("function deploy(site: Pipeline.Directory, target: String, dryRun: Boolean?): Pipeline.FunctionCall =");
    Path user = project.resolve("user.pkl");
    Files.writeString(user, """
        import ".kiln/schema/functions/testfn.pkl"
        import ".kiln/schema/Pipeline.pkl"
        call = testfn.deploy(Pipeline.host.directory("site"), "example.org", null)
        """);

    // Like an editor: only file: and pkl: modules, no kiln-fn: reader.
    try (var pkl = EvaluatorBuilder.unconfigured()
        .setStackFrameTransformer(StackFrameTransformers.empty)
        .setModuleKeyFactories(List.of(ModuleKeyFactories.standardLibrary, ModuleKeyFactories.file))
        .setResourceReaders(List.of(ResourceReaders.file()))
        .setAllowedModules(List.of(Pattern.compile("pkl:"), Pattern.compile("file:")))
        .setAllowedResources(List.of(Pattern.compile("file:")))
        .build()) {
      PModule stubs = pkl.evaluate(ModuleSource.path(schema.resolve("functions/testfn.pkl")));
      assertThat(stubs.getModuleName()).isEqualTo("kiln.functions.testfn");
      PObject call = (PObject) pkl.evaluate(ModuleSource.path(user)).getProperty("call");
      assertThat(call.getProperty("name")).isEqualTo("testfn.deploy");
      assertThat(call.getProperty("args").toString()).startsWith("{site=").contains(", target=example.org}");
    }
  }

  @Test
  void pluginJarsAddFunctionsAndTheirStubs() throws IOException {
    Path plugins = project.resolve("plugins");
    PluginJars.function(plugins, "greet.jar", "Greet",
        "Signature.builder(\"greet\", \"hello\").doc(\"Greets [who].\")"
            + ".param(Parameter.required(\"who\", ValueType.STRING, \"Someone.\")).returns(ValueType.STRING).build()",
        "return \"hello, \" + args.string(\"who\");");
    FunctionRegistry registry = FunctionRegistry.load(List.of(plugins));
    Path file = project.resolve("pipeline.pkl");
    Files.writeString(file, """
        amends ".kiln/schema/Pipeline.pkl"
        import ".kiln/schema/functions/greet.pkl"
        import ".kiln/schema/functions/testfn.pkl"
        tasks { ["t"] { run = module.container.from("busybox:latest").withExec(List("echo", greet.hello(testfn.upper("kiln")))) } }
        """);

    Evaluation e = PipelineEvaluator.builder().functions(registry).build().evaluation(file);

    assertThat(echoed(e.pipeline())).containsExactly("hello, KILN");
    assertThat(registry.origin("greet.hello")).endsWith("greet.jar");
    assertThat(e.inputs()).contains(plugins.resolve("greet.jar").toAbsolutePath().normalize());
    assertThatThrownBy(() -> PipelineEvaluator.builder().build().evaluate(file))
        .isInstanceOfSatisfying(PipelineException.class, ex -> assertThat(ex.location().orElseThrow().line()).isEqualTo(2));
  }

  @Test
  void aPluginFunctionWithATakenNameIsAnError() throws IOException {
    Path plugins = project.resolve("plugins");
    PluginJars.function(plugins, "upper.jar", "Upper2",
        "Signature.builder(\"testfn\", \"upper\").returns(ValueType.STRING).build()", "return \"\";");

    assertThatThrownBy(() -> FunctionRegistry.load(List.of(plugins)))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("two functions are named testfn.upper")
        .hasMessageContaining("upper.jar");
  }
}
