package dev.kiln.functions;

import dev.kiln.function.FunctionException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.math.BigInteger;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads one YAML document into JSON-like Java values with SnakeYAML's safe constructor (no
 * arbitrary types): aliases and merge keys resolved, duplicate keys refused, errors located by line
 * and column. Plain scalars are typed by YAML 1.2's core schema, not SnakeYAML's YAML 1.1 rules:
 * {@code on}, {@code yes} and {@code no} stay strings (GitHub workflows' {@code on:} key), {@code
 * 010} is ten, and a date stays the string it was written as.
 */
final class YamlDocument {
  private YamlDocument() {}

  static Object parse(String text, String name) throws FunctionException {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    Yaml yaml = new Yaml(new JsonLikeConstructor(options), new Representer(new DumperOptions()),
        new DumperOptions(), options, new CoreSchemaResolver());
    List<Object> documents = new ArrayList<>();
    try {
      for (Object doc : yaml.loadAll(text)) {
        documents.add(doc);
      }
    } catch (MarkedYAMLException e) {
      Mark at = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String where = at == null ? name : name + ":" + (at.getLine() + 1) + ":" + (at.getColumn() + 1);
      String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
      throw new FunctionException(where + ": " + problem
          + (e.getContext() != null && e.getProblem() != null ? " (" + e.getContext() + ")" : ""), e);
    } catch (YAMLException e) {
      throw new FunctionException(name + ": " + e.getMessage(), e);
    }
    if (documents.size() > 1) {
      throw new FunctionException(name + " holds " + documents.size() + " YAML documents (separated by `---`);"
          + " it must hold one");
    }
    return documents.isEmpty() ? null : jsonLike(documents.get(0), "#", name, Collections.newSetFromMap(new IdentityHashMap<>()));
  }

  /** Checks and converts SnakeYAML's values: string keys, no cycles, no binary. */
  private static Object jsonLike(Object value, String pointer, String name, Set<Object> open) throws FunctionException {
    if (value instanceof Map<?, ?> || value instanceof Collection<?>) {
      if (!open.add(value)) {
        throw new FunctionException(name + ": the value at " + pointer + " contains itself (a recursive alias)");
      }
      try {
        if (value instanceof Map<?, ?> map) {
          Map<String, Object> out = new LinkedHashMap<>();
          for (Map.Entry<?, ?> e : map.entrySet()) {
            Object key = e.getKey();
            if (key instanceof Map<?, ?> || key instanceof Collection<?>) {
              throw new FunctionException(name + ": a key at " + pointer + " is a mapping or sequence; keys must be scalars");
            }
            String k = String.valueOf(key); // as JSON writes 1: or true: keys
            out.put(k, jsonLike(e.getValue(), pointer + "/" + JsonValues.escape(k), name, open));
          }
          return out;
        }
        List<Object> out = new ArrayList<>();
        Iterator<?> it = ((Collection<?>) value).iterator();
        for (int i = 0; it.hasNext(); i++) {
          out.add(jsonLike(it.next(), pointer + "/" + i, name, open));
        }
        return out;
      } finally {
        open.remove(value);
      }
    }
    if (value instanceof byte[]) {
      throw new FunctionException(name + ": the value at " + pointer + " is !!binary, which has no JSON form");
    }
    return value; // null, String, Boolean, Integer, Long, BigInteger, Double
  }

  /** The safe constructor, with YAML 1.2 integers (no octal {@code 010}, no {@code _}). */
  private static final class JsonLikeConstructor extends SafeConstructor {
    JsonLikeConstructor(LoaderOptions options) {
      super(options);
      this.yamlConstructors.put(Tag.INT, new AbstractConstruct() {
        @Override
        public Object construct(Node node) {
          String text = constructScalar((ScalarNode) node);
          BigInteger value = text.startsWith("0o") ? new BigInteger(text.substring(2), 8)
              : text.startsWith("0x") ? new BigInteger(text.substring(2), 16)
              : new BigInteger(text);
          return value.bitLength() < 64 ? (Object) value.longValue() : value;
        }
      });
    }
  }

  /** YAML 1.2's core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution), plus merge keys. */
  private static final class CoreSchemaResolver extends Resolver {
    @Override
    protected void addImplicitResolvers() {
      addImplicitResolver(Tag.BOOL, Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF");
      addImplicitResolver(Tag.INT, Pattern.compile("^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), "-+0123456789");
      addImplicitResolver(Tag.FLOAT, Pattern.compile("^(?:[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
          + "|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$"), "-+0123456789.");
      addImplicitResolver(Tag.MERGE, MERGE, "<");
      addImplicitResolver(Tag.NULL, Pattern.compile("^(?:~|null|Null|NULL|)$"), "~nN\0");
      addImplicitResolver(Tag.NULL, EMPTY, null);
    }
  }
}
