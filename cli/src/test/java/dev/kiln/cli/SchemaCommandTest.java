package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.evaluator.KilnSchema;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln schema} and {@code --plugins}, with plugin jars built by the test. */
class SchemaCommandTest {
  @TempDir Path dir;
  @TempDir Path elsewhere;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private Path greetJar;
  private Path teamJar;

  private int run(String... args) {
    return Kiln.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  @BeforeEach
  void plugins() throws Exception {
    greetJar = PluginJars.function(elsewhere.resolve("plugins"), "greet.jar", "Greet",
        "Signature.builder(\"greet\", \"hello\").doc(\"Greets [who].\")"
            + ".param(Parameter.required(\"who\", ValueType.STRING, \"Someone.\"))"
            + ".param(Parameter.optional(\"punctuation\", ValueType.STRING, \"Ends the greeting.\"))"
            + ".returns(ValueType.STRING).build()",
        "if (args.string(\"who\").isEmpty()) throw new FunctionException(\"nobody to greet\");"
            + " return \"hello, \" + args.string(\"who\") + args.string(\"punctuation\", \"\");");
    teamJar = PluginJars.function(dir.resolve(".kiln/plugins"), "team.jar", "Notify",
        "Signature.builder(\"team\", \"notify\").doc(\"Posts [message].\")"
            + ".param(Parameter.required(\"message\", ValueType.STRING, \"What to say.\")).results(\"id\").build()",
        "return java.util.Map.of(\"id\", \"1\");");
  }

  @Test
  void writesTheSchemaAndTheStubsOfEveryFunctionOnThePath() throws Exception {
    Path stale = dir.resolve(".kiln/schema/functions/gone.pkl");
    Files.createDirectories(stale.getParent());
    Files.writeString(stale, "// a removed plugin's stub\n");

    assertThat(run("schema", dir.toString(), "--plugins", greetJar.getParent().toString())).as(err.toString()).isZero();

    Path schema = dir.resolve(".kiln/schema");
    assertThat(out.toString()).isEqualTo("wrote " + schema + " (Kiln schema version " + KilnSchema.version()
        + ", 2 functions in 2 modules under functions/)\n");
    assertThat(schema.resolve("Pipeline.pkl")).hasContent(KilnSchema.read("Pipeline.pkl").orElseThrow());
    assertThat(schema.resolve("VERSION")).hasContent(KilnSchema.version());
    assertThat(Files.readString(schema.resolve("functions/greet.pkl")))
        .contains("/// Greets [who].\n///\n/// - [who]: Someone.\n/// - [punctuation]: (optional) Ends the greeting.\n"
            + "function hello(who: String, punctuation: String?): String =");
    assertThat(Files.readString(schema.resolve("functions/team.pkl")))
        .contains("function notify(message: String): Pipeline.FunctionCall =");
    assertThat(stale).doesNotExist();
    try (var files = Files.list(schema.resolve("functions"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("greet.pkl", "team.pkl");
    }
  }

  @Test
  void listsTheFunctionsAsATable() {
    assertThat(run("schema", dir.toString(), "--list", "--plugins", greetJar.getParent().toString())).isZero();

    assertThat(out.toString().lines()).containsExactly(
        "NAME         PHASE       SIGNATURE                                         ORIGIN",
        "greet.hello  evaluation  hello(who: String, punctuation: String?): String  " + greetJar.toAbsolutePath(),
        "team.notify  run         notify(message: String) -> id                     " + teamJar.toAbsolutePath());
    assertThat(dir.resolve(".kiln/schema")).doesNotExist();
  }

  @Test
  void listsTheFunctionsAsJson() throws Exception {
    assertThat(run("schema", dir.toString(), "--list", "--format", "json")).isZero();

    JsonNode fns = new ObjectMapper().readTree(out.toString()).get("functions");
    assertThat(fns).hasSize(1);
    assertThat(fns.at("/0/name").asText()).isEqualTo("team.notify");
    assertThat(fns.at("/0/phase").asText()).isEqualTo("run");
    assertThat(fns.at("/0/parameters/0/type").asText()).isEqualTo("String");
    assertThat(fns.at("/0/results/0").asText()).isEqualTo("id");
    assertThat(fns.at("/0/origin").asText()).endsWith("team.jar");
  }

  @Test
  void aNameTakenTwiceIsAnInvalidSetup() throws Exception {
    PluginJars.function(elsewhere.resolve("more"), "notify2.jar", "Notify2",
        "Signature.builder(\"team\", \"notify\").results(\"id\").build()", "return java.util.Map.of();");

    assertThat(run("schema", dir.toString(), "--plugins", elsewhere.resolve("more").toString()))
        .isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).startsWith("kiln: error: two functions are named team.notify: one from ")
        .contains("notify2.jar").contains("hint: remove one of the plugins");
  }

  @Test
  void pipelinesCallPluginFunctionsAndFailuresPointAtTheCall() throws Exception {
    Path pipeline = Files.writeString(dir.resolve("pipeline.pkl"), """
        amends ".kiln/schema/Pipeline.pkl"
        import ".kiln/schema/functions/greet.pkl"
        import ".kiln/schema/functions/team.pkl"
        local b = container.from("busybox:latest")
        tasks {
          ["hi"] { run = b.withExec(List("echo", greet.hello("kiln", "!"))) }
          ["bad"] { run = b.withExec(List("echo", greet.hello("", null))) }
        }
        """);

    assertThat(run("validate", pipeline.toString())).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("Cannot find module").contains("greet.pkl");

    err.getBuffer().setLength(0);
    assertThat(run("validate", "--plugins", greetJar.getParent().toString(), pipeline.toString()))
        .isEqualTo(ExitCodes.INVALID);
    String display = dev.kiln.evaluator.SourceLocation.of(pipeline).file().toString();
    assertThat(err.toString()).isEqualTo(display + ":7:43: error: `greet.hello`: nobody to greet\n"
        + " 7 |   [\"bad\"] { run = b.withExec(List(\"echo\", greet.hello(\"\", null))) }\n"
        + "   |                                           ^\n"
        + "hint: the function refused this call; `kiln schema --list` shows its parameters\n");

    Files.writeString(pipeline, Files.readString(pipeline).replace("greet.hello(\"\", null)", "\"ok\""));
    out.getBuffer().setLength(0);
    assertThat(run("list", "-f", pipeline.toString(), "--plugins", greetJar.getParent().toString()))
        .as(err.toString()).isZero();
  }
}
