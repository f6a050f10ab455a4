package dev.kiln.evaluator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;
import dev.kiln.function.KilnFunction;
import dev.kiln.function.Parameter;
import dev.kiln.function.Phase;
import dev.kiln.function.Signature;
import dev.kiln.function.ValueType;
import dev.kiln.model.FunctionRegistry;
import dev.kiln.model.ProjectPaths;
import dev.kiln.model.Suggestions;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.pkl.core.resource.ResourceReader;

/**
 * The {@code kiln-fn:} resource reader: calls evaluation-time {@link KilnFunction}s for their stub
 * modules ({@link FunctionStubs}). It checks the arguments against the signature (a pipeline may
 * also call {@code read("kiln-fn:…")} by hand), answers JSON, and records the files functions
 * depend on. A failed call is an {@link IOException} for Pkl, which locates it at the call site;
 * the reader keeps the failure as a {@link Failure}, so the evaluator reports the function's own
 * message and hint, not Pkl's rendering of the I/O error.
 */
final class FunctionReader implements ResourceReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final System.Logger LOG = System.getLogger("dev.kiln.function");

  /** A failed call, as the user should see it. */
  record Failure(String message, String hint, Throwable cause) {}

  private final FunctionRegistry registry;
  private final Path projectRoot;
  private final InputRecorder inputs;
  private final Set<Path> dependencies = ConcurrentHashMap.newKeySet();
  private volatile String uncacheable;
  private volatile Failure failure;

  FunctionReader(FunctionRegistry registry, Path projectRoot, InputRecorder inputs) {
    this.registry = registry;
    this.projectRoot = projectRoot.toAbsolutePath().normalize();
    this.inputs = inputs;
  }

  /** The files functions said their results depend on. */
  Set<Path> dependencies() {
    return Set.copyOf(dependencies);
  }

  /** The first function that said its result cannot be reused, or null. */
  String uncacheable() {
    return uncacheable;
  }

  /** The last call, if it failed (a later call that succeeds clears it), or null. */
  Failure failure() {
    return failure;
  }

  @Override
  public String getUriScheme() {
    return FunctionStubs.SCHEME;
  }

  @Override
  public boolean hasHierarchicalUris() {
    return false;
  }

  @Override
  public boolean isGlobbable() {
    return false;
  }

  @Override
  public Optional<Object> read(URI uri) throws IOException {
    // Opaque URI: Java parses no query. Pkl escapes the `?` (%3F); base64 has no `%` to unescape.
    String call = uri.getSchemeSpecificPart();
    int q = call.indexOf('?');
    String name = q < 0 ? call : call.substring(0, q);
    KilnFunction function = registry.find(name).orElse(null);
    if (function == null) {
      List<String> known = registry.all().stream().map(f -> f.signature().qualifiedName()).toList();
      throw fail(new Failure("no function `" + name + "` is loaded", Suggestions.closest(name, known)
          .map(s -> "did you mean `" + s + "`?")
          .orElse("`kiln schema --list` shows the functions; a plugin's jar goes in .kiln/plugins/ or --plugins DIR"),
          null));
    }
    Signature signature = function.signature();
    if (signature.phase() == Phase.RUN) {
      throw fail(new Failure("`" + name + "` is a run-time function; it cannot be called while the pipeline is"
          + " evaluated", "set a task's `call` to its stub's value, e.g. `call = " + name + "(…)`", null));
    }
    Map<String, Object> args = arguments(signature, q < 0 ? "" : call.substring(q + 1));
    Object result;
    try {
      result = function.call(Arguments.of(args), new Context(name));
    } catch (FunctionException e) {
      throw fail(new Failure("`" + name + "`: " + e.getMessage(),
          "the function refused this call; `kiln schema --list` shows its parameters", null));
    } catch (RuntimeException | LinkageError | StackOverflowError e) { // the function's bug, not the pipeline's
      throw fail(bug(name, "failed with " + e, e));
    }
    try {
      var answer = Optional.<Object>of(JSON.writeValueAsString(result(signature.returns(), result, "the result")));
      failure = null; // a pipeline may have caught an earlier failure (pkl:test's catchOrNull)
      return answer;
    } catch (IllegalArgumentException e) {
      throw fail(bug(name, "returned a value that is not its declared " + signature.returns() + ": " + e.getMessage(), null));
    } catch (JsonProcessingException e) {
      throw fail(bug(name, "returned a value Kiln cannot encode: " + e.getOriginalMessage(), e));
    }
  }

  private Failure bug(String name, String what, Throwable cause) {
    return new Failure("function `" + name + "` " + what, "this is a bug in the function, not in the pipeline;"
        + " report it to its authors (it comes from " + registry.origin(name) + "); --stacktrace shows where", cause);
  }

  private IOException fail(Failure f) {
    failure = f;
    return new IOException(f.message());
  }

  private Map<String, Object> arguments(Signature s, String encoded) throws IOException {
    JsonNode json;
    try {
      json = encoded.isEmpty() ? JsonNodeFactory.instance.objectNode()
          : JSON.readTree(Base64.getDecoder().decode(encoded.getBytes(StandardCharsets.US_ASCII)));
    } catch (IllegalArgumentException | IOException e) {
      json = null;
    }
    if (json == null || !json.isObject()) {
      throw fail(new Failure("malformed call of `" + s.qualifiedName() + "`: the arguments are not base64 of a"
          + " JSON object", "call the function through its stub, `.kiln/schema/functions/" + s.namespace()
          + ".pkl`", null));
    }
    Map<String, Object> args = new LinkedHashMap<>();
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      String n = names.next();
      if (s.parameter(n) == null) {
        throw fail(new Failure("`" + s.qualifiedName() + "` has no parameter `" + n + "`",
            "its parameters: " + parameterList(s), null));
      }
    }
    for (Parameter p : s.parameters()) {
      JsonNode v = json.get(p.name());
      if (v == null || v.isNull()) {
        if (!p.optional()) {
          throw fail(new Failure("`" + s.qualifiedName() + "`: missing argument `" + p.name() + "`",
              "its parameters: " + parameterList(s), null));
        }
        continue;
      }
      try {
        args.put(p.name(), argument(p.type(), v));
      } catch (IllegalArgumentException e) {
        throw fail(new Failure("`" + s.qualifiedName() + "`: argument `" + p.name() + "` must be "
            + p.type() + ", not " + e.getMessage(), "its parameters: " + parameterList(s), null));
      }
    }
    return args;
  }

  private static String parameterList(Signature s) {
    List<String> ps = new ArrayList<>();
    for (Parameter p : s.parameters()) {
      ps.add(p.name() + ": " + p.type() + (p.optional() ? "?" : ""));
    }
    return ps.isEmpty() ? "none" : String.join(", ", ps);
  }

  /** {@code v} as the Java value of {@code type}; the exception's message describes a mismatch. */
  private static Object argument(ValueType type, JsonNode v) {
    switch (type.kind()) {
      case "string":
        if (v.isTextual()) {
          return v.textValue();
        }
        break;
      case "int":
        if (v.isIntegralNumber() && v.canConvertToLong()) {
          return v.longValue();
        }
        break;
      case "float":
        if (v.isNumber()) {
          return v.doubleValue();
        }
        break;
      case "boolean":
        if (v.isBoolean()) {
          return v.booleanValue();
        }
        break;
      case "any":
        return plain(v);
      case "list":
        if (v.isArray()) {
          List<Object> list = new ArrayList<>();
          for (JsonNode e : v) {
            list.add(argument(type.element(), e));
          }
          return List.copyOf(list);
        }
        break;
      case "map":
        if (v.isObject()) {
          Map<String, Object> map = new LinkedHashMap<>();
          v.fields().forEachRemaining(e -> map.put(e.getKey(), argument(type.element(), e.getValue())));
          return Collections.unmodifiableMap(map);
        }
        break;
      default:
        break;
    }
    String text = v.toString();
    throw new IllegalArgumentException(text.length() > 60 ? text.substring(0, 57) + "..." : text);
  }

  /** A JSON value as plain Java: String, Long, Double, Boolean, List, Map, or null. */
  private static Object plain(JsonNode v) {
    if (v.isTextual()) {
      return v.textValue();
    } else if (v.isIntegralNumber()) {
      return v.longValue();
    } else if (v.isNumber()) {
      return v.doubleValue();
    } else if (v.isBoolean()) {
      return v.booleanValue();
    } else if (v.isArray()) {
      List<Object> list = new ArrayList<>();
      v.forEach(e -> list.add(plain(e)));
      return Collections.unmodifiableList(list);
    } else if (v.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      v.fields().forEachRemaining(e -> map.put(e.getKey(), plain(e.getValue())));
      return Collections.unmodifiableMap(map);
    }
    return null;
  }

  /**
   * {@code value} as JSON of {@code type}, which the stub converts back; the exception's message
   * says where {@code value} does not match.
   */
  private static JsonNode result(ValueType type, Object value, String where) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    if (value == null) {
      throw new IllegalArgumentException(where + " is null");
    }
    switch (type.kind()) {
      case "string":
        if (value instanceof String s) {
          return json.textNode(s);
        }
        break;
      case "int":
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
          return json.numberNode(((Number) value).longValue());
        }
        break;
      case "float":
        if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
          return json.numberNode(n.doubleValue());
        }
        break;
      case "boolean":
        if (value instanceof Boolean b) {
          return json.booleanNode(b);
        }
        break;
      case "any":
        // Any JSON-like value: objects reach Pkl as Dynamic, arrays as Listing.
        return any(value, where);
      case "list":
        if (value instanceof List<?> list) {
          ArrayNode array = json.arrayNode();
          for (int i = 0; i < list.size(); i++) {
            array.add(result(type.element(), list.get(i), where + "[" + i + "]"));
          }
          return array;
        }
        break;
      case "map":
        if (value instanceof Map<?, ?> map) {
          ObjectNode object = json.objectNode();
          for (var e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
              throw new IllegalArgumentException(where + " has a key that is not a string: " + e.getKey());
            }
            object.set(key, result(type.element(), e.getValue(), where + "[\"" + key + "\"]"));
          }
          return object;
        }
        break;
      default:
        break;
    }
    throw new IllegalArgumentException(where + " is a " + value.getClass().getName() + ": " + value);
  }

  /** A JSON-like Java value as JSON. */
  private static JsonNode any(Object value, String where) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    if (value == null) {
      return json.nullNode();
    } else if (value instanceof String s) {
      return json.textNode(s);
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return json.numberNode(((Number) value).longValue());
    } else if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
      return json.numberNode(n.doubleValue());
    } else if (value instanceof Boolean b) {
      return json.booleanNode(b);
    } else if (value instanceof List<?> list) {
      ArrayNode array = json.arrayNode();
      for (int i = 0; i < list.size(); i++) {
        array.add(any(list.get(i), where + "[" + i + "]"));
      }
      return array;
    } else if (value instanceof Map<?, ?> map) {
      ObjectNode object = json.objectNode();
      for (var e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new IllegalArgumentException(where + " has a key that is not a string: " + e.getKey());
        }
        object.set(key, any(e.getValue(), where + "[\"" + key + "\"]"));
      }
      return object;
    }
    throw new IllegalArgumentException(where + " is a " + value.getClass().getName() + ": " + value);
  }

  /** What one call sees: the project, read-only, and where it reports its inputs. */
  private final class Context implements FunctionContext {
    private final String function;

    Context(String function) {
      this.function = function;
    }

    @Override
    public Path projectRoot() {
      return projectRoot;
    }

    @Override
    public Path resolve(String path) throws FunctionException {
      return ProjectPaths.resolve(projectRoot, path);
    }

    @Override
    public void dependsOn(Path file) {
      Path f = projectRoot.resolve(file).toAbsolutePath().normalize();
      dependencies.add(f);
      inputs.file(f);
    }

    @Override
    public void uncacheable() {
      if (uncacheable == null) {
        uncacheable = function;
      }
      inputs.uncacheable("function `" + function + "` said its result cannot be reused");
    }

    @Override
    public void log(String message) {
      LOG.log(System.Logger.Level.DEBUG, function + ": " + message);
    }
  }
}
