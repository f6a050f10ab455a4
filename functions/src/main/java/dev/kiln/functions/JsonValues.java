package dev.kiln.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.function.FunctionException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a Jackson tree into the JSON-like Java values functions return: {@code Map} (string keys,
 * in document order), {@code List}, {@code String}, {@code Long}, {@code Double}, {@code Boolean}
 * and {@code null}, all unmodifiable.
 */
final class JsonValues {
  private JsonValues() {}

  static Object toJava(JsonNode node, String name) throws FunctionException {
    return toJava(node, "#", name);
  }

  private static Object toJava(JsonNode node, String pointer, String name) throws FunctionException {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        map.put(e.getKey(), toJava(e.getValue(), pointer + "/" + escape(e.getKey()), name));
      }
      return Collections.unmodifiableMap(map);
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      for (int i = 0; i < node.size(); i++) {
        list.add(toJava(node.get(i), pointer + "/" + i, name));
      }
      return Collections.unmodifiableList(list);
    }
    if (node.isIntegralNumber()) {
      if (!node.canConvertToLong()) {
        throw new FunctionException(name + ": the number at " + pointer + " (" + node.asText()
            + ") does not fit an Int (64 bits); quote it to read it as a string");
      }
      return node.longValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    // Binary and POJO nodes come only from YAML's !!binary and similar tags.
    throw new FunctionException(name + ": the value at " + pointer + " is not JSON-like (" + node.getNodeType() + ")");
  }

  /** A key as a JSON pointer segment (RFC 6901). */
  static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
