package dev.kiln.functions;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.kiln.function.FunctionException;

/** The text formats {@code data} functions read, parsed into a Jackson tree with located errors. */
enum DataFormat {
  JSON,
  YAML;

  private static final ObjectMapper JSON_MAPPER = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  /** The format a file name implies: YAML for {@code .yaml}/{@code .yml}, else JSON. */
  static DataFormat byName(String path) {
    return path.endsWith(".yaml") || path.endsWith(".yml") ? YAML : JSON;
  }

  /**
   * The one document in {@code text}; null for an empty YAML document.
   *
   * @param name the file as the pipeline named it, for messages
   * @throws FunctionException {@code name:line:column: problem} for malformed text
   */
  JsonNode parse(String text, String name) throws FunctionException {
    if (this == YAML) {
      // Jackson's YAML tree model reads an alias (*name) as the anchor's name, not its value.
      return JSON_MAPPER.valueToTree(YamlDocument.parse(text, name));
    }
    try {
      JsonNode node = JSON_MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw new FunctionException(name + " is empty; a JSON file holds one value");
      }
      return node;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null || at.getLineNr() < 1 ? name : name + ":" + at.getLineNr() + ":" + at.getColumnNr();
      // The first line says what is wrong; the rest repeats the location with a source excerpt.
      throw new FunctionException(where + ": " + e.getOriginalMessage().lines().findFirst().orElse("malformed JSON"), e);
    }
  }
}
