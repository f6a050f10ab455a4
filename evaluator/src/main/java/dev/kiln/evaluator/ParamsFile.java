package dev.kiln.evaluator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.model.PipelineException;
import dev.kiln.model.SourceLocation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads a {@code --params-file}: one JSON or YAML document (by the file's extension) into a JSON
 * tree. YAML is read by SnakeYAML Engine with YAML 1.2's core schema, so an alias is the anchored
 * value (Jackson's YAML reader gives the anchor's name for a scalar's alias) and {@code yes} stays a
 * string; a duplicate key, a recursive alias, a second document or nesting deeper than {@link
 * #MAX_DEPTH} is an error located at its line and column where the reader knows them.
 */
final class ParamsFile {
  /** Deeper than any parameter value needs; the reader recurses once per level. */
  static final int MAX_DEPTH = 64;
  private static final String HINT = "a params file is a JSON or YAML object of parameter values";

  private final Path file;
  private final JsonParser parser;

  private ParamsFile(Path file, JsonParser parser) {
    this.file = file;
    this.parser = parser;
  }

  /** The parameters in {@code file}: an object of values. */
  static ObjectNode read(Path file) {
    FileKind kind = FileKind.of(file);
    if (kind != FileKind.REGULAR && kind != FileKind.FIFO) { // a FIFO: `--params-file <(...)`
      throw new PipelineException("cannot read parameters: `" + PklErrors.display(file) + "` is "
          + (kind == FileKind.MISSING ? "missing" : kind.description()), null,
          "a params file is a JSON or YAML object of parameter values");
    }
    String text;
    try {
      text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PipelineException("cannot read parameters: " + e.getMessage(), location(file), null, e);
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    String name = file.getFileName().toString();
    JsonNode root = name.endsWith(".yaml") || name.endsWith(".yml") ? yaml(file, text) : json(file, text);
    if (root == null || !root.isObject()) {
      throw new PipelineException("parameters must be an object of parameter values", location(file), null);
    }
    return (ObjectNode) root;
  }

  private static JsonNode json(Path file, String text) {
    try (JsonParser parser = new JsonFactory().createParser(text)) {
      ParamsFile reader = new ParamsFile(file, parser);
      JsonNode root = parser.nextToken() == null ? null : reader.value(0);
      if (root != null && parser.nextToken() != null) {
        throw reader.error("there is more after the first value");
      }
      return root;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new PipelineException("cannot read parameters: " + e.getOriginalMessage().lines().findFirst().orElse(""),
          at == null ? location(file) : at(file, at.getLineNr(), at.getColumnNr()), HINT, e);
    } catch (IOException e) {
      throw new PipelineException("cannot read parameters: " + e.getMessage(), location(file), HINT, e);
    }
  }

  private static JsonNode yaml(Path file, String text) {
    LoadSettings settings = LoadSettings.builder().setAllowDuplicateKeys(false).setLabel(file.toString()).build();
    List<Object> documents = new ArrayList<>();
    try {
      new Load(settings).loadAllFromString(text).forEach(documents::add);
    } catch (MarkedYamlEngineException e) {
      Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
      throw new PipelineException("cannot read parameters: " + (e.getProblem() != null ? e.getProblem() : e.getContext()),
          mark.map(m -> at(file, m.getLine() + 1, m.getColumn() + 1)).orElse(location(file)), HINT, e);
    } catch (YamlEngineException e) {
      throw new PipelineException("cannot read parameters: " + e.getMessage(), location(file), HINT, e);
    }
    if (documents.size() > 1) {
      throw new PipelineException("cannot read parameters: it holds " + documents.size()
          + " YAML documents (separated by `---`); it must hold one", location(file), HINT);
    }
    return documents.isEmpty() ? null : tree(documents.get(0), file, 0, new IdentityHashMap<>());
  }

  /** A value SnakeYAML made as JSON; {@code open} holds the collections being converted (aliases share them). */
  private static JsonNode tree(Object value, Path file, int depth, Map<Object, Boolean> open) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (depth > MAX_DEPTH) {
      throw new PipelineException("cannot read parameters: values nest deeper than " + MAX_DEPTH + " levels",
          location(file), HINT);
    }
    if (value instanceof Map<?, ?> || value instanceof List<?>) {
      if (open.put(value, Boolean.TRUE) != null) {
        throw new PipelineException("cannot read parameters: a value contains itself (a recursive alias)",
            location(file), HINT);
      }
      try {
        if (value instanceof Map<?, ?> map) {
          ObjectNode object = nodes.objectNode();
          for (Map.Entry<?, ?> e : map.entrySet()) {
            if (e.getKey() instanceof Map<?, ?> || e.getKey() instanceof List<?>) {
              throw new PipelineException("cannot read parameters: a key is a mapping or sequence; keys must be"
                  + " scalars", location(file), HINT);
            }
            object.set(String.valueOf(e.getKey()), tree(e.getValue(), file, depth + 1, open));
          }
          return object;
        }
        ArrayNode array = nodes.arrayNode();
        for (Object e : (List<?>) value) {
          array.add(tree(e, file, depth + 1, open));
        }
        return array;
      } finally {
        open.remove(value);
      }
    }
    if (value == null) {
      return nodes.nullNode();
    } else if (value instanceof String s) {
      return nodes.textNode(s);
    } else if (value instanceof Boolean b) {
      return nodes.booleanNode(b);
    } else if (value instanceof Integer || value instanceof Long) {
      return nodes.numberNode(((Number) value).longValue());
    } else if (value instanceof BigInteger b) {
      return nodes.numberNode(b);
    } else if (value instanceof Number n) {
      return nodes.numberNode(n.doubleValue());
    }
    throw new PipelineException("cannot read parameters: a value of YAML type " + value.getClass().getSimpleName()
        + " has no JSON equivalent", location(file), HINT);
  }

  /** The value starting at the current token. */
  private JsonNode value(int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw error("values nest deeper than " + MAX_DEPTH + " levels");
    }
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT -> {
        ObjectNode object = nodes.objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          if (object.has(key)) {
            throw error("the key `" + key + "` appears twice");
          }
          parser.nextToken();
          object.set(key, value(depth + 1));
        }
        return object;
      }
      case START_ARRAY -> {
        ArrayNode array = nodes.arrayNode();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(value(depth + 1));
        }
        return array;
      }
      case VALUE_STRING -> {
        return nodes.textNode(parser.getText());
      }
      case VALUE_NUMBER_INT -> {
        return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
            ? nodes.numberNode(parser.getBigIntegerValue()) : nodes.numberNode(parser.getLongValue());
      }
      case VALUE_NUMBER_FLOAT -> {
        return nodes.numberNode(parser.getDoubleValue());
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return nodes.booleanNode(token == JsonToken.VALUE_TRUE);
      }
      case VALUE_NULL -> {
        return nodes.nullNode();
      }
      default -> throw error("unexpected " + token);
    }
  }

  private PipelineException error(String problem) {
    JsonLocation at = parser.currentTokenLocation();
    return new PipelineException("cannot read parameters: " + problem, at(file, at.getLineNr(), at.getColumnNr()), HINT);
  }

  private static SourceLocation location(Path file) {
    return SourceLocation.of(PklErrors.display(file));
  }

  private static SourceLocation at(Path file, int line, int column) {
    return new SourceLocation(PklErrors.display(file), Math.max(1, line), Math.max(1, column));
  }
}
