package dev.kiln.evaluator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.model.PipelineException;
import dev.kiln.model.SourceLocation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.everit.json.schema.Schema;
import org.everit.json.schema.ValidationException;
import org.everit.json.schema.loader.SchemaLoader;
import org.json.JSONArray;
import org.json.JSONObject;
import org.pkl.core.PClass;
import org.pkl.core.PType;

/**
 * Parameter overrides as a Pkl module that amends the pipeline, so Pkl type-checks them against
 * their declarations. A params file is first validated against a JSON Schema derived from the
 * declarations, whose errors name the offending JSON pointer. Values enter the module only as
 * literals {@link PklLiteral} renders from parsed values, never as the user's text.
 */
final class ParamOverrides {
  /** A declared parameter. */
  record Declared(String type, ParamTypes.Kind kind, String description, boolean nullable, PType pklType) {}

  private final Map<String, Declared> declared;

  ParamOverrides(Map<String, Declared> declared) {
    this.declared = declared;
  }

  static Map<String, Declared> declared(PClass paramsClass) {
    var out = new LinkedHashMap<String, Declared>();
    paramsClass.getAllProperties().forEach((name, p) -> {
      if (!p.isHidden()) {
        String doc = p.getDocComment() == null ? "" : p.getDocComment().strip();
        out.put(name, new Declared(ParamTypes.show(p.getType()), ParamTypes.kind(p.getType()), doc,
            ParamTypes.nullable(p.getType()), p.getType()));
      }
    });
    return out;
  }

  /** The JSON Schema of a params file. */
  JSONObject jsonSchema() {
    JSONObject properties = new JSONObject();
    declared.forEach((name, d) -> {
      JSONObject p = new JSONObject();
      if (d.kind().json != null) {
        p.put("type", d.nullable() ? new JSONArray(List.of(d.kind().json, "null")) : d.kind().json);
      }
      properties.put(name, p);
    });
    return new JSONObject()
        .put("$schema", "http://json-schema.org/draft-07/schema#")
        .put("type", "object")
        .put("properties", properties)
        .put("additionalProperties", false);
  }

  /** The amending module's text, or null when nothing is overridden. */
  String moduleText(Path pipeline, Map<String, String> cli, Path paramsFile) {
    Map<String, JsonNode> values = new LinkedHashMap<>();
    if (paramsFile != null) {
      values.putAll(fromFile(paramsFile));
    }
    cli.forEach((name, value) -> values.put(name, fromCli(name, value)));
    if (values.isEmpty()) {
      return null;
    }
    PklLiteral literals = new PklLiteral();
    StringBuilder text = new StringBuilder("amends ").append(PklLiteral.string(pipeline.toUri().toString()))
        .append("\nparams {\n");
    // Declared names only (checked above): Pkl identifiers, quoted in case one is also a keyword.
    values.forEach((name, value) -> text.append("  `").append(name).append("` = ")
        .append(literals.render(value, declared.get(name).pklType(), "parameter `" + name + "`")).append('\n'));
    return text.append("}\n").toString();
  }

  /** A {@code --param} value: the text itself for a string, parsed for other types (JSON for lists and objects). */
  private JsonNode fromCli(String name, String value) {
    Declared d = declared.get(name);
    if (d == null) {
      throw new PipelineException("unknown parameter `" + name + "` in --param " + name + "=" + value, null,
          declared.isEmpty() ? "the pipeline declares no parameters"
              : "declared parameters: " + String.join(", ", declared.keySet()));
    }
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    String problem;
    switch (d.kind()) {
      case INTEGER -> {
        try {
          return nodes.numberNode(Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
          problem = "an integer";
        }
      }
      case NUMBER -> {
        try {
          return nodes.numberNode(Double.parseDouble(value.strip()));
        } catch (NumberFormatException e) {
          problem = "a number";
        }
      }
      case BOOLEAN -> {
        if (value.equals("true") || value.equals("false")) {
          return nodes.booleanNode(Boolean.parseBoolean(value));
        }
        problem = "`true` or `false`";
      }
      case ARRAY, OBJECT -> {
        String json = d.kind() == ParamTypes.Kind.ARRAY ? "array" : "object";
        try {
          JsonNode node = new ObjectMapper().readTree(value);
          if (node != null && (d.kind() == ParamTypes.Kind.ARRAY ? node.isArray() : node.isObject())) {
            return node;
          }
        } catch (IOException e) {
          // reported below
        }
        problem = "a JSON " + json + ", e.g. " + (json.equals("array") ? "'[\"a\",\"b\"]'" : "'{\"key\":\"value\"}'");
      }
      default -> {
        return nodes.textNode(value);
      }
    }
    throw new PipelineException("--param " + name + "=" + value + ": parameter `" + name + "` is of type `"
        + d.type() + "`; expected " + problem, null, null);
  }

  private Map<String, JsonNode> fromFile(Path file) {
    ObjectNode node = ParamsFile.read(file);
    Schema schema = SchemaLoader.load(jsonSchema());
    try {
      schema.validate(new JSONObject(node.toString()));
    } catch (ValidationException e) {
      List<String> messages = e.getAllMessages();
      throw new PipelineException("invalid parameters: " + String.join("; ", messages),
          SourceLocation.of(PklErrors.display(file)),
          "declared parameters: " + (declared.isEmpty() ? "none" : describe()));
    }
    Map<String, JsonNode> out = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private String describe() {
    List<String> parts = new ArrayList<>();
    declared.forEach((name, d) -> parts.add(name + ": " + d.type()));
    return String.join(", ", parts);
  }
}
