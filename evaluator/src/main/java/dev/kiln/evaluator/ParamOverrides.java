package dev.kiln.evaluator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kiln.model.PipelineException;
import dev.kiln.model.SourceLocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.everit.json.schema.Schema;
import org.everit.json.schema.ValidationException;
import org.everit.json.schema.loader.SchemaLoader;
import org.json.JSONArray;
import org.json.JSONObject;
import org.pkl.core.PClass;

/**
 * Parameter overrides as a Pkl module that amends the pipeline, so Pkl type-checks them against
 * their declarations. A params file is first validated against a JSON Schema derived from the
 * declarations, whose errors name the offending JSON pointer.
 */
final class ParamOverrides {
  /** A declared parameter. */
  record Declared(String type, ParamTypes.Kind kind, String description, boolean nullable) {}

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
            ParamTypes.nullable(p.getType())));
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
    Map<String, String> literals = new LinkedHashMap<>();
    if (paramsFile != null) {
      literals.putAll(fromFile(paramsFile));
    }
    cli.forEach((name, value) -> literals.put(name, fromCli(name, value)));
    if (literals.isEmpty()) {
      return null;
    }
    StringBuilder text = new StringBuilder("amends ").append(stringLiteral(pipeline.toUri().toString()))
        .append("\nparams {\n");
    literals.forEach((name, literal) -> text.append("  `").append(name).append("` = ").append(literal).append('\n'));
    return text.append("}\n").toString();
  }

  private String fromCli(String name, String value) {
    Declared d = declared.get(name);
    if (d == null) {
      throw new PipelineException("unknown parameter `" + name + "` in --param " + name + "=" + value, null,
          declared.isEmpty() ? "the pipeline declares no parameters"
              : "declared parameters: " + String.join(", ", declared.keySet()));
    }
    String problem = null;
    switch (d.kind()) {
      case INTEGER -> {
        try {
          return Long.toString(Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
          problem = "an integer";
        }
      }
      case NUMBER -> {
        try {
          return Double.toString(Double.parseDouble(value.strip()));
        } catch (NumberFormatException e) {
          problem = "a number";
        }
      }
      case BOOLEAN -> {
        if (value.equals("true") || value.equals("false")) {
          return value;
        }
        problem = "`true` or `false`";
      }
      default -> {
        return stringLiteral(value);
      }
    }
    throw new PipelineException("--param " + name + "=" + value + ": parameter `" + name + "` is of type `"
        + d.type() + "`; expected " + problem, null, null);
  }

  private Map<String, String> fromFile(Path file) {
    JsonNode node;
    try {
      String name = file.getFileName().toString();
      ObjectMapper mapper = name.endsWith(".yaml") || name.endsWith(".yml") ? new YAMLMapper() : new ObjectMapper();
      node = mapper.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new PipelineException("cannot read parameters: " + e.getMessage().lines().findFirst().orElse(""),
          SourceLocation.of(PklErrors.display(file)), "a params file is a JSON or YAML object of parameter values", e);
    }
    if (node == null || !node.isObject()) {
      throw new PipelineException("parameters must be an object of parameter values",
          SourceLocation.of(PklErrors.display(file)), null);
    }
    Schema schema = SchemaLoader.load(jsonSchema());
    try {
      schema.validate(new JSONObject(node.toString()));
    } catch (ValidationException e) {
      List<String> messages = e.getAllMessages();
      throw new PipelineException("invalid parameters: " + String.join("; ", messages),
          SourceLocation.of(PklErrors.display(file)),
          "declared parameters: " + (declared.isEmpty() ? "none" : describe()));
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      var e = it.next();
      JsonNode v = e.getValue();
      Declared d = declared.get(e.getKey());
      String literal;
      if (v.isNull()) {
        literal = "null";
      } else if (v.isTextual()) {
        literal = stringLiteral(v.textValue());
      } else if (v.isNumber() && d.kind() == ParamTypes.Kind.NUMBER) {
        literal = Double.toString(v.doubleValue());
      } else {
        literal = v.toString(); // integers and booleans are the same in JSON and Pkl
      }
      out.put(e.getKey(), literal);
    }
    return out;
  }

  private String describe() {
    List<String> parts = new ArrayList<>();
    declared.forEach((name, d) -> parts.add(name + ": " + d.type()));
    return String.join(", ", parts);
  }

  static String stringLiteral(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '"' -> b.append("\\\"");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
