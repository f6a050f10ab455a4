package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.evaluator.KilnSchema;
import dev.kiln.model.SourceLocation;
import dev.kiln.testsupport.PluginJars;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln schema} and {@code --plugins}, with plugin jars built by the test ({@code --trust} lets the
 * project's own {@code .kiln/plugins/} load; {@link TrustTest} shows what happens without it).
 */
class SchemaCommandTest extends KilnInProcess {
  @TempDir Path dir;
  @TempDir Path elsewhere;
  private Path greetJar;
  private Path teamJar;

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

    assertThat(kiln("schema", dir.toString(), "--trust", "--plugins", greetJar.getParent().toString())).as(err.toString()).isZero();

    Path schema = dir.resolve(".kiln/schema");
    // Kiln's own functions (and the test class path's) are on the path too.
    assertThat(out.toString()).startsWith("wrote " + schema + " (Kiln schema version " + KilnSchema.version() + ", ")
        .endsWith(" modules under functions/)\n");
    assertThat(schema.resolve("Pipeline.pkl")).usingCharset(StandardCharsets.UTF_8)
        .hasContent(KilnSchema.read("Pipeline.pkl").orElseThrow());
    assertThat(schema.resolve("VERSION")).hasContent(KilnSchema.version());
    assertThat(Files.readString(schema.resolve("functions/greet.pkl")))
        .contains("/// Greets [who].\n///\n/// - [who]: Someone.\n/// - [punctuation]: (optional) Ends the greeting.\n"
            + "function hello(who: String, punctuation: String?): String =");
    assertThat(Files.readString(schema.resolve("functions/team.pkl")))
        .contains("function notify(message: String): Pipeline.FunctionCall =");
    assertThat(stale).doesNotExist();
    try (var files = Files.list(schema.resolve("functions"))) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).contains("greet.pkl", "team.pkl")
          .doesNotContain("gone.pkl");
    }
  }

  @Test
  void listsTheFunctionsAsATable() {
    assertThat(kiln("schema", dir.toString(), "--trust", "--list", "--plugins", greetJar.getParent().toString())).isZero();

    List<String> lines = out.toString().lines().toList();
    assertThat(lines.get(0)).matches("NAME +PHASE +SIGNATURE +ORIGIN");
    assertThat(lines).anyMatch(l -> l.matches("greet\\.hello +evaluation +hello\\(who: String, punctuation: String\\?\\):"
        + " String +" + Pattern.quote(greetJar.toAbsolutePath().toString())));
    assertThat(lines).anyMatch(l -> l.matches("team\\.notify +run +notify\\(message: String\\) -> id +"
        + Pattern.quote(teamJar.toAbsolutePath().toString())));
    // One column each: every row's signature starts where the header's does.
    int column = lines.get(0).indexOf("SIGNATURE");
    assertThat(lines).allMatch(l -> l.charAt(column - 1) == ' ' && l.charAt(column) != ' ');
    assertThat(dir.resolve(".kiln/schema")).doesNotExist();
  }

  @Test
  void listsTheFunctionsAsJson() throws Exception {
    assertThat(kiln("schema", dir.toString(), "--trust", "--list", "--format", "json")).isZero();

    JsonNode fns = new ObjectMapper().readTree(out.toString()).get("functions");
    JsonNode notify = null;
    for (JsonNode f : fns) {
      if (f.get("name").asText().equals("team.notify")) {
        notify = f;
      }
    }
    assertThat(notify).isNotNull();
    assertThat(notify.get("phase").asText()).isEqualTo("run");
    assertThat(notify.get("signature").asText()).isEqualTo("notify(message: String) -> id");
    assertThat(notify.at("/parameters/0/type").asText()).isEqualTo("String");
    assertThat(notify.at("/results/0").asText()).isEqualTo("id");
    assertThat(notify.get("origin").asText()).endsWith("team.jar");
  }

  @Test
  void aNameTakenTwiceIsAnInvalidSetup() throws Exception {
    PluginJars.function(elsewhere.resolve("more"), "notify2.jar", "Notify2",
        "Signature.builder(\"team\", \"notify\").results(\"id\").build()", "return java.util.Map.of();");

    assertThat(kiln("schema", dir.toString(), "--trust", "--plugins", elsewhere.resolve("more").toString()))
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

    assertThat(kiln("validate", "--trust", pipeline.toString())).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("Cannot find module").contains("greet.pkl");

    assertThat(kiln("validate", "--trust", "--plugins", greetJar.getParent().toString(), pipeline.toString()))
        .isEqualTo(ExitCodes.INVALID);
    String display = SourceLocation.of(pipeline).file().toString();
    assertThat(err.toString()).isEqualTo(display + ":7:43: error: `greet.hello`: nobody to greet\n"
        + " 7 |   [\"bad\"] { run = b.withExec(List(\"echo\", greet.hello(\"\", null))) }\n"
        + "   |                                           ^\n"
        + "hint: the function refused this call; `kiln schema --list` shows its parameters\n");

    Files.writeString(pipeline, Files.readString(pipeline).replace("greet.hello(\"\", null)", "\"ok\""));
    assertThat(kiln("list", "-f", pipeline.toString(), "--trust", "--plugins", greetJar.getParent().toString()))
        .as(err.toString()).isZero();
  }
}
