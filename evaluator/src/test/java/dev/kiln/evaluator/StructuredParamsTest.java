package dev.kiln.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.model.Pipeline;
import dev.kiln.model.PipelineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parameter values from params files and {@code --param}: lists, mappings and objects convert by
 * the declared type, YAML aliases resolve, and no value can change the Pkl source it is put in.
 */
class StructuredParamsTest {
  @TempDir Path dir;

  private Path pipeline() throws IOException {
    return Files.writeString(dir.resolve("pipeline.pkl"), """
        amends ".kiln/schema/Pipeline.pkl"
        local class Server { host: String = "localhost"; port: Int = 80 }
        local class P extends Params {
          names: List<String> = List()
          tags: Listing<String> = new Listing {}
          labels: Mapping<String, String> = new Mapping {}
          limits: Map<String, Int> = Map()
          ratio: Float = 0.5
          server: Server = new Server {}
          s: String = ""
          extra: Any = null
        }
        params = new P {}
        tasks {
          ["t"] {
            description = List(params.names.join(","), params.tags.join(","), params.labels.toMap().toString(),
              params.limits.toString(), params.ratio.toString(), "\\(params.server.host):\\(params.server.port)",
              params.s).join("|")
          }
        }
        """);
  }

  private String description(PipelineEvaluator.Builder b) throws IOException {
    Pipeline p = b.build().evaluate(pipeline());
    return p.tasks().get("t").description();
  }

  private Path file(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void jsonArraysAndObjectsBecomeListsListingsMappingsMapsAndObjects() throws IOException {
    Path json = file("p.json", """
        {"names": ["a", "b"], "tags": ["x"], "labels": {"k": "v", "two words": "w"}, "limits": {"cpu": 2},
         "ratio": 3, "server": {"host": "db", "port": 5432}}
        """);
    assertThat(description(PipelineEvaluator.builder().paramsFile(json)))
        .isEqualTo("a,b|x|Map(\"k\", \"v\", \"two words\", \"w\")|Map(\"cpu\", 2)|3.0|db:5432|");
  }

  @Test
  void listsAndObjectsOnTheCommandLineAreJson() throws IOException {
    assertThat(description(PipelineEvaluator.builder().param("names", "[\"a\",\"b\"]")
        .param("labels", "{\"k\":\"v\"}").param("server", "{\"port\": 8080}")))
        .isEqualTo("a,b||Map(\"k\", \"v\")|Map()|0.5|localhost:8080|");
    assertThatThrownBy(() -> description(PipelineEvaluator.builder().param("names", "a,b")))
        .hasMessageContaining("parameter `names` is of type `List<String>`; expected a JSON array");
  }

  @Test
  void yamlAliasesAreTheAnchoredValue() throws IOException {
    Path yaml = file("p.yaml", """
        names: [&first hello, *first]
        labels: &l {k: v}
        server: {host: *first}
        s: yes
        """);
    assertThat(description(PipelineEvaluator.builder().paramsFile(yaml)))
        .isEqualTo("hello,hello||Map(\"k\", \"v\")|Map()|0.5|hello:80|yes");
  }

  @Test
  void aRecursiveAliasADuplicateKeyOrAnAliasBombIsALocatedError() throws IOException {
    assertThatThrownBy(() -> description(PipelineEvaluator.builder().paramsFile(file("r.yaml", "names: &a [*a]\n"))))
        .isInstanceOf(PipelineException.class).hasMessageContaining("a value contains itself (a recursive alias)");
    assertThatThrownBy(() -> description(PipelineEvaluator.builder().paramsFile(file("d.yaml", "s: a\ns: b\n"))))
        .isInstanceOfSatisfying(PipelineException.class, e -> {
          assertThat(e.getMessage()).contains("duplicate key s");
          assertThat(e.location().orElseThrow().line()).isEqualTo(2);
        });
    assertThatThrownBy(() -> description(PipelineEvaluator.builder().paramsFile(file("d.json", "{\"s\":\"a\",\"s\":\"b\"}"))))
        .hasMessageContaining("the key `s` appears twice");
    StringBuilder bomb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 10; i++) {
      bomb.append("a").append(i).append(": &a").append(i).append(" [")
          .append(("*a" + (i - 1) + ", ").repeat(9)).append("*a").append(i - 1).append("]\n");
    }
    bomb.append("extra: *a9\n");
    assertThatThrownBy(() -> description(PipelineEvaluator.builder().paramsFile(file("bomb.yaml", bomb.toString()))))
        .isInstanceOf(PipelineException.class).hasMessageContaining("cannot read parameters");
  }

  @Test
  void anAliasExpandedPastTheLimitIsRefusedWhenRendered() throws IOException {
    // Within SnakeYAML's alias count, but a value shared 50 times, each 400,000 characters long.
    String big = "x".repeat(400_000);
    Path yaml = file("wide.yaml", "extra: &v \"" + big + "\"\nnames: [" + "*v, ".repeat(49) + "*v]\n");
    assertThatThrownBy(() -> description(PipelineEvaluator.builder().paramsFile(yaml)))
        .isInstanceOf(PipelineException.class).hasMessageContaining("the parameter values are too large");
  }

  @Test
  void aStringThatLooksLikePklStaysAString() throws IOException {
    String[] attacks = {
        "\"\"\"", "\\(1 + 1)", "\"\n}\ntasks { [\"evil\"] {} }\nlocal x = \"", "#\"raw\"#", "`s` = 1",
        "\\", "\u0000\u0007\u001b[2J", "line\r\nbreak\u2028sep", "\uD83D\uDE00 emoji", "}", "\") + (\"",
    };
    for (String attack : attacks) {
      assertThat(description(PipelineEvaluator.builder().param("s", attack))).as(attack).endsWith("|" + attack);
      Path json = file("a.json", "{\"s\": " + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(attack) + "}");
      assertThat(description(PipelineEvaluator.builder().paramsFile(json))).as(attack).endsWith("|" + attack);
    }
    Path keys = file("k.json", "{\"labels\": {\"\\\"] = \\\"x\\\"\\n}\\ntasks {}\\nlocal y = { [\\\"\": \"v\"}}");
    assertThat(description(PipelineEvaluator.builder().paramsFile(keys))).contains("\"] = \\\"x\\\"");
    assertThat(PipelineEvaluator.builder().paramsFile(keys).build().evaluate(pipeline()).tasks()).containsOnlyKeys("t");
  }

  @Test
  void randomStringsRoundTripExactly() throws IOException {
    Random random = new Random(13);
    char[] alphabet = "\\\"`(){}[]#$\n\r\t\u0000\u001f\u007f\u0085\u2028é€ \uD83D\uDE00abc=;".toCharArray();
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      StringBuilder s = new StringBuilder();
      for (int n = random.nextInt(30); n > 0; n--) {
        char c = alphabet[random.nextInt(alphabet.length)];
        s.append(c == '\uD83D' ? "\uD83D\uDE00" : c == '\uDE00' ? "x" : String.valueOf(c));
      }
      all.append(s).append('|');
    }
    String value = all.toString();
    assertThat(description(PipelineEvaluator.builder().param("s", value))).endsWith("|" + value);
  }

  @Test
  void aTypedObjectTakesOnlyItsDeclaredProperties() throws IOException {
    Path json = file("p.json", "{\"server\": {\"host\": \"db\", \"admin\": true}}");
    assertThatThrownBy(() -> description(PipelineEvaluator.builder().paramsFile(json)))
        .isInstanceOf(PipelineException.class)
        .hasMessage("parameter `server`: `Server` has no property `admin`");
  }

  @Test
  void anyTakesJsonLikeValues() throws IOException {
    Path json = file("p.json", "{\"extra\": {\"a\": [1, 2.5, true, null], \"b c\": {}}}");
    Pipeline p = PipelineEvaluator.builder().paramsFile(json).build().evaluate(pipeline());
    assertThat(p.params().stream().filter(x -> x.name().equals("extra")).findFirst().orElseThrow().value())
        .isNotNull();
  }

  @Test
  void typeErrorsInsideAValueAreLocatedAtTheDeclaration() throws IOException {
    Path json = file("p.json", "{\"names\": [\"a\", 2]}");
    assertThatThrownBy(() -> description(PipelineEvaluator.builder().paramsFile(json)))
        .isInstanceOfSatisfying(PipelineException.class, e -> {
          assertThat(e.getMessage()).startsWith("invalid parameter value: Expected value of type `String`");
          assertThat(e.location().orElseThrow().line()).isEqualTo(4);
        });
  }
}
