package dev.kiln.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionException;
import dev.kiln.function.KilnFunction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataTest {
  @TempDir Path project;
  TestContext context;

  static final String SCHEMA = """
      {
        "type": "object",
        "required": ["name", "dependencies"],
        "properties": {
          "name": {"type": "string"},
          "dependencies": {
            "type": "array",
            "items": {
              "type": "object",
              "required": ["name", "version"],
              "properties": {"name": {"type": "string"}, "version": {"type": "string"}}
            }
          }
        }
      }
      """;

  private Object call(KilnFunction f, String... keysAndValues) throws FunctionException {
    if (context == null) {
      context = new TestContext(project);
    }
    Map<String, Object> args = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      args.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return f.call(Arguments.of(args), context);
  }

  private void write(String path, String text) throws Exception {
    Files.createDirectories(project.resolve(path).getParent());
    Files.writeString(project.resolve(path), text);
  }

  @Test
  @SuppressWarnings("unchecked")
  void readJsonReturnsJsonLikeJavaValues() throws Exception {
    write("conf/app.json", """
        {"name": "app", "replicas": 3, "ratio": 0.5, "debug": false, "owner": null,
         "tags": ["a", "b"], "nested": {"x": {"y": 1}}}""");
    Object value = call(new DataReadJson(), "path", "conf/app.json");
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("name", "app");
    expected.put("replicas", 3L);
    expected.put("ratio", 0.5);
    expected.put("debug", false);
    expected.put("owner", null);
    expected.put("tags", List.of("a", "b"));
    expected.put("nested", Map.of("x", Map.of("y", 1L)));
    assertThat(value).isEqualTo(expected);
    assertThat(String.join(",", ((Map<String, ?>) value).keySet())).isEqualTo("name,replicas,ratio,debug,owner,tags,nested");
    assertThat(context.dependencies).containsExactly(project.resolve("conf/app.json"));
  }

  @Test
  void readYamlReturnsTheSameValues() throws Exception {
    write("app.yaml", """
        # a comment
        name: app
        replicas: 3
        ratio: 0.5
        debug: no-this-is-a-string
        on: true
        tags: [a, b]
        anchors:
          base: &base {x: 1}
          copy: *base
        empty:
        yes: no
        octal: 010
        hex: 0x1F
        date: 2026-11-04
        inf: .inf
        merged:
          <<: *base
          y: 2
        """);
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("name", "app");
    expected.put("replicas", 3L);
    expected.put("ratio", 0.5);
    expected.put("debug", "no-this-is-a-string");
    expected.put("on", true); // YAML 1.2: a string key "on" whose value is true
    expected.put("tags", List.of("a", "b"));
    expected.put("anchors", Map.of("base", Map.of("x", 1L), "copy", Map.of("x", 1L)));
    expected.put("empty", null);
    expected.put("yes", "no");
    expected.put("octal", 10L);
    expected.put("hex", 31L);
    expected.put("date", "2026-11-04");
    expected.put("inf", Double.POSITIVE_INFINITY);
    expected.put("merged", Map.of("x", 1L, "y", 2L));
    assertThat(call(new DataReadYaml(), "path", "app.yaml")).isEqualTo(expected);
  }

  @Test
  void scalarsAndEmptyDocuments() throws Exception {
    write("n.json", "42");
    write("empty.yaml", "");
    write("list.yaml", "- 1\n- two\n");
    assertThat(call(new DataReadJson(), "path", "n.json")).isEqualTo(42L);
    assertThat(call(new DataReadYaml(), "path", "empty.yaml")).isNull();
    assertThat(call(new DataReadYaml(), "path", "list.yaml")).isEqualTo(List.of(1L, "two"));
  }

  @Test
  void aValidDocumentPassesItsSchema() throws Exception {
    write("schemas/deps.json", SCHEMA);
    write("deps.yaml", "name: app\ndependencies:\n  - {name: lib, version: '1.0'}\n");
    assertThat(call(new DataReadYaml(), "path", "deps.yaml", "schema", "schemas/deps.json"))
        .isEqualTo(Map.of("name", "app", "dependencies", List.of(Map.of("name", "lib", "version", "1.0"))));
    assertThat(context.dependencies).contains(project.resolve("deps.yaml"), project.resolve("schemas/deps.json"));
  }

  @Test
  void everyViolationIsListedWithItsJsonPointer() throws Exception {
    write("schemas/deps.json", SCHEMA);
    write("deps.json", """
        {"name": 7, "dependencies": [{"name": "lib", "version": 1}, {"name": "other"}]}""");
    assertThatThrownBy(() -> call(new DataReadJson(), "path", "deps.json", "schema", "schemas/deps.json"))
        .isInstanceOf(FunctionException.class)
        .satisfies(e -> assertThat(e.getMessage().lines()).containsExactlyInAnyOrder(
            e.getMessage().lines().findFirst().get(),
            "  #/name: expected type: String, found: Integer",
            "  #/dependencies/0/version: expected type: String, found: Integer",
            "  #/dependencies/1: required key [version] not found"))
        .hasMessageStartingWith("deps.json does not match the schema schemas/deps.json (3 violations):");
  }

  @Test
  void aSingleViolationAndAYamlSchema() throws Exception {
    write("schema.yaml", "type: object\nproperties:\n  port: {type: integer, maximum: 65535}\n");
    write("conf.yaml", "port: 70000\n");
    assertThatThrownBy(() -> call(new DataReadYaml(), "path", "conf.yaml", "schema", "schema.yaml"))
        .hasMessage("conf.yaml does not match the schema schema.yaml:\n  #/port: 70000 is not less or equal to 65535");
  }

  @Test
  void schemaRefsMayNameProjectFilesButNotTheNetworkOrFilesOutside() throws Exception {
    write("schemas/main.json", """
        {"type": "object", "properties": {"v": {"$ref": "defs/version.json"}}}""");
    write("schemas/defs/version.json", """
        {"type": "string", "pattern": "^[0-9]+\\\\.[0-9]+$"}""");
    write("ok.json", "{\"v\": \"1.2\"}");
    write("bad.json", "{\"v\": \"x\"}");
    assertThat(call(new DataReadJson(), "path", "ok.json", "schema", "schemas/main.json")).isEqualTo(Map.of("v", "1.2"));
    assertThat(context.dependencies).contains(project.resolve("schemas/defs/version.json"));
    assertThatThrownBy(() -> call(new DataReadJson(), "path", "bad.json", "schema", "schemas/main.json"))
        .hasMessageContaining("#/v: string [x] does not match pattern");

    write("remote.json", """
        {"$ref": "https://example.com/schema.json"}""");
    assertThatThrownBy(() -> call(new DataReadJson(), "path", "ok.json", "schema", "remote.json"))
        .hasMessage("remote.json: $ref https://example.com/schema.json is not a project file; functions do not"
            + " reach the network while the pipeline is evaluated (download the schema into the project)");
    write("escape.json", """
        {"$ref": "../../etc/passwd"}""");
    assertThatThrownBy(() -> call(new DataReadJson(), "path", "ok.json", "schema", "escape.json"))
        .hasMessage("escape.json: $ref file:/etc/passwd is outside the project root");
  }

  @Test
  void anInvalidSchemaSaysSo() throws Exception {
    write("schema.json", "{\"type\": \"strnig\"}");
    write("a.json", "1");
    assertThatThrownBy(() -> call(new DataReadJson(), "path", "a.json", "schema", "schema.json"))
        .hasMessageStartingWith("schema.json is not a valid JSON Schema: ")
        .hasMessageContaining("strnig");
    write("list.json", "[]");
    assertThatThrownBy(() -> call(new DataReadJson(), "path", "a.json", "schema", "list.json"))
        .hasMessage("list.json is not a JSON Schema: a schema is an object");
  }

  @Test
  void malformedInputNamesLineAndColumn() throws Exception {
    write("bad.json", "{\n  \"a\": 1,\n  }\n");
    write("bad.yaml", "a: 1\nb: [1, 2\nc: 3\n");
    write("tabs.yaml", "a:\n\tb: 1\n");
    write("dup.yaml", "a: 1\nb: 2\na: 3\n");
    write("dup.json", "{\"a\": 1, \"a\": 2}");
    write("multi.yaml", "a: 1\n---\nb: 2\n");
    List<String> messages = new ArrayList<>();
    for (String[] c : Arrays.asList(new String[] {"json", "bad.json"}, new String[] {"yaml", "bad.yaml"},
        new String[] {"yaml", "tabs.yaml"}, new String[] {"yaml", "dup.yaml"}, new String[] {"json", "dup.json"},
        new String[] {"yaml", "multi.yaml"})) {
      KilnFunction f = c[0].equals("json") ? new DataReadJson() : new DataReadYaml();
      try {
        call(f, "path", c[1]);
        messages.add("no error for " + c[1]);
      } catch (FunctionException e) {
        messages.add(e.getMessage());
      }
    }
    assertThat(messages.get(0)).startsWith("bad.json:3:3: Unexpected character ('}' (code 125))");
    assertThat(messages.get(1)).startsWith("bad.yaml:3:2: ");
    assertThat(messages.get(2)).startsWith("tabs.yaml:2:1: ");
    assertThat(messages.get(3)).isEqualTo("dup.yaml:3:1: found duplicate key a (while constructing a mapping)");
    assertThat(messages.get(4)).isEqualTo("dup.json:1:13: Duplicate field 'a'");
    assertThat(messages.get(5)).isEqualTo("multi.yaml holds 2 YAML documents (separated by `---`); it must hold one");
  }

  @Test
  void hugeIntegersAreRefusedWithTheirPointer() throws Exception {
    write("big.json", "{\"ids\": [1, 123456789012345678901234567890]}");
    assertThatThrownBy(() -> call(new DataReadJson(), "path", "big.json"))
        .hasMessage("big.json: the number at #/ids/1 (123456789012345678901234567890) does not fit an Int (64 bits);"
            + " quote it to read it as a string");
  }

  @Test
  void pathsOutsideTheProjectAreRefused() throws Exception {
    assertThatThrownBy(() -> call(new DataReadJson(), "path", "../../etc/passwd"))
        .hasMessage("path ../../etc/passwd is outside the project root");
    assertThatThrownBy(() -> call(new DataReadYaml(), "path", "/etc/hosts"))
        .hasMessageContaining("is absolute");
    assertThatThrownBy(() -> call(new DataReadPomVersion(), "path", "../pom.xml"))
        .hasMessage("path ../pom.xml is outside the project root");
    write("a.json", "1");
    assertThatThrownBy(() -> call(new DataReadJson(), "path", "a.json", "schema", "../s.json"))
        .hasMessage("path ../s.json is outside the project root");
  }

  static final String POM = """
      <?xml version="1.0" encoding="UTF-8"?>
      <project xmlns="http://maven.apache.org/POM/4.0.0">
        <modelVersion>4.0.0</modelVersion>
        %s
        <artifactId>app</artifactId>
        %s
        <dependencies><dependency><version>9.9.9</version></dependency></dependencies>
      </project>
      """;

  @Test
  void readPomVersionReadsTheProjectsVersion() throws Exception {
    write("pom.xml", POM.formatted("<parent><version>1.0.0</version></parent>", "<version> 2.3.4-SNAPSHOT </version>"));
    assertThat(call(new DataReadPomVersion(), "path", "pom.xml")).isEqualTo("2.3.4-SNAPSHOT");
    assertThat(context.dependencies).containsExactly(project.resolve("pom.xml"));
  }

  @Test
  void readPomVersionFallsBackToTheParentsVersion() throws Exception {
    write("app/pom.xml", POM.formatted("<parent><groupId>g</groupId><version>1.0.0</version></parent>", ""));
    assertThat(call(new DataReadPomVersion(), "path", "app/pom.xml")).isEqualTo("1.0.0");
    write("none.xml", POM.formatted("", ""));
    assertThatThrownBy(() -> call(new DataReadPomVersion(), "path", "none.xml"))
        .hasMessage("none.xml has neither a <version> nor a <parent><version>");
  }

  @Test
  void readPomVersionResolvesItsOwnPropertiesAndNamesTheOthers() throws Exception {
    write("pom.xml", POM.formatted("<properties><revision>3.1.0</revision><changelist>-SNAPSHOT</changelist>"
        + "<v>${revision}${changelist}</v></properties>", "<version>${v}</version>"));
    assertThat(call(new DataReadPomVersion(), "path", "pom.xml")).isEqualTo("3.1.0-SNAPSHOT");
    write("ci.xml", POM.formatted("", "<version>${revision}</version>"));
    assertThatThrownBy(() -> call(new DataReadPomVersion(), "path", "ci.xml"))
        .hasMessage("the <version> of ci.xml is `${revision}`, and ${revision} is not a property of that POM, so"
            + " Kiln cannot resolve it (it does not run Maven, whose command line, settings or parent POM may set"
            + " it); define it in the POM's <properties>, or write the version literally");
  }

  @Test
  void readPomVersionRefusesXxe() throws Exception {
    Path secret = Files.writeString(project.resolve("secret.txt"), "TOP-SECRET");
    write("evil.xml", """
        <?xml version="1.0"?>
        <!DOCTYPE project [<!ENTITY xxe SYSTEM "%s">]>
        <project><version>&xxe;</version></project>
        """.formatted(secret.toUri()));
    assertThatThrownBy(() -> call(new DataReadPomVersion(), "path", "evil.xml"))
        .isInstanceOf(FunctionException.class)
        .hasMessage("evil.xml:2:10: a DOCTYPE declaration is not allowed (its entities could read files or reach"
            + " the network); a POM needs none")
        .hasMessageNotContaining("TOP-SECRET");
  }

  @Test
  void readPomVersionRejectsWhatIsNotAPom() throws Exception {
    write("a.xml", "<settings/>");
    write("b.xml", "<project><version>1</version>");
    assertThatThrownBy(() -> call(new DataReadPomVersion(), "path", "a.xml"))
        .hasMessage("a.xml is not a Maven POM: its root element is <settings>, not <project>");
    assertThatThrownBy(() -> call(new DataReadPomVersion(), "path", "b.xml"))
        .hasMessageStartingWith("b.xml:1:30: ");
  }
}
