package dev.kiln.evaluator;

import dev.kiln.function.KilnFunction;
import dev.kiln.function.Parameter;
import dev.kiln.function.Phase;
import dev.kiln.function.Signature;
import dev.kiln.function.ValueType;
import dev.kiln.model.FunctionRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The Pkl stub modules of a {@link FunctionRegistry}: {@code functions/<namespace>.pkl} under the
 * schema directory, one typed, documented Pkl function per {@link KilnFunction}. The evaluator
 * serves them (so they always match the functions loaded) and {@code kiln schema} writes them for
 * editors. An evaluation-time stub reads {@code kiln-fn:<namespace>.<name>?<arguments>} and
 * converts the JSON answer to its return type; a run-time stub returns a {@code
 * Pipeline.FunctionCall} for a task's {@code call}.
 */
public final class FunctionStubs {
  /** The stubs' directory, relative to the schema directory. */
  public static final String DIRECTORY = "functions";

  /** The URI scheme of evaluation-time calls; {@code kiln-fn:ns.name?base64(JSON arguments)}. */
  static final String SCHEME = "kiln-fn";

  // Pkl's keywords and reserved words (org.pkl.parser.Token): such names are quoted with backticks,
  // which Pkl accepts wherever an identifier goes, so a plugin's `import` function still works.
  private static final Set<String> KEYWORDS = Set.of("abstract", "amends", "as", "class", "const", "else",
      "extends", "external", "false", "fixed", "for", "function", "hidden", "if", "import", "in", "is", "let",
      "local", "module", "new", "nothing", "null", "open", "out", "outer", "read", "super", "this", "throw",
      "trace", "true", "typealias", "unknown", "when", "protected", "override", "record", "delete", "case",
      "switch", "vararg");

  private final Map<String, List<Signature>> namespaces;

  private FunctionStubs(Map<String, List<Signature>> namespaces) {
    this.namespaces = namespaces;
  }

  /** No stubs: for modules that call no function (an engines file). */
  static FunctionStubs none() {
    return new FunctionStubs(Map.of());
  }

  /** The stubs of every function in {@code registry}. */
  public static FunctionStubs of(FunctionRegistry registry) {
    Map<String, List<Signature>> byNamespace = new TreeMap<>();
    for (KilnFunction f : registry.all()) {
      Signature s = f.signature();
      byNamespace.computeIfAbsent(s.namespace(), n -> new ArrayList<>()).add(s);
    }
    byNamespace.replaceAll((n, l) -> List.copyOf(l));
    return new FunctionStubs(Collections.unmodifiableMap(byNamespace));
  }

  /**
   * The text of the module at {@code relativePath} under the schema directory, e.g. {@code
   * functions/git.pkl}, if that is a namespace's stub module.
   */
  public Optional<String> module(String relativePath) {
    String prefix = DIRECTORY + "/";
    if (!relativePath.startsWith(prefix) || !relativePath.endsWith(".pkl")) {
      return Optional.empty();
    }
    String namespace = relativePath.substring(prefix.length(), relativePath.length() - ".pkl".length());
    return namespaces.containsKey(namespace) ? Optional.of(render(namespace)) : Optional.empty();
  }

  /**
   * Writes every stub module to {@code schemaDir/functions/}, each to a temporary file renamed into
   * place, and deletes stubs of namespaces no longer loaded (a removed plugin's).
   *
   * @return the files written
   */
  public List<Path> writeTo(Path schemaDir) throws IOException {
    Path dir = schemaDir.resolve(DIRECTORY);
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    for (String namespace : namespaces.keySet()) {
      Path target = dir.resolve(namespace + ".pkl");
      KilnSchema.writeAtomically(target, render(namespace));
      written.add(target);
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path stale : files.filter(f -> f.getFileName().toString().endsWith(".pkl") && !written.contains(f)).toList()) {
        Files.delete(stale);
      }
    }
    return List.copyOf(written);
  }

  /**
   * {@code s} as one line, in the stubs' Pkl types: {@code bump(version: String, part: String?):
   * String}, or {@code check(dir: Pipeline.Directory) -> files, bytes} for a run-time function.
   */
  public static String signature(Signature s) {
    StringBuilder out = new StringBuilder(s.name()).append('(');
    for (int i = 0; i < s.parameters().size(); i++) {
      Parameter p = s.parameters().get(i);
      out.append(i == 0 ? "" : ", ").append(p.name()).append(": ").append(type(p));
    }
    out.append(')');
    if (s.phase() == Phase.EVALUATION) {
      return out.append(": ").append(s.returns().pklName()).toString();
    }
    return s.results().isEmpty() ? out.toString() : out.append(" -> ").append(String.join(", ", s.results())).toString();
  }

  /** The stub module of {@code namespace}. */
  String render(String namespace) {
    List<Signature> functions = namespaces.get(namespace);
    if (functions == null) {
      throw new IllegalArgumentException("no functions in namespace " + namespace);
    }
    StringBuilder out = new StringBuilder();
    out.append("/// Kiln's `").append(namespace).append("` functions (Java, from Kiln or a plugin).\n")
        .append("///\n")
        .append("/// ```\n")
        .append("/// import \".kiln/schema/functions/").append(namespace).append(".pkl\"\n")
        .append("/// ```\n")
        .append("///\n")
        .append("/// Generated by `kiln schema` from the functions it loaded; do not edit. When Kiln evaluates\n")
        .append("/// a pipeline it serves this module itself, generated from the functions it has loaded then.\n")
        .append("module kiln.functions.").append(namespace).append("\n\n")
        // Underscored names: function and parameter names cannot start with one, so never clash.
        .append("import \"pkl:json\" as _json\n")
        .append("import \"../Pipeline.pkl\"\n");
    for (Signature s : functions) {
      out.append('\n');
      doc(s, out);
      out.append("function ").append(identifier(s.name())).append('(');
      for (int i = 0; i < s.parameters().size(); i++) {
        Parameter p = s.parameters().get(i);
        out.append(i == 0 ? "" : ", ").append(identifier(p.name())).append(": ").append(type(p));
      }
      out.append("): ");
      if (s.phase() == Phase.EVALUATION) {
        out.append(s.returns().pklName()).append(" =\n  ")
            .append(convert(s.returns(), "_call(\"" + s.name() + "\", " + arguments(s) + ")", 0)).append('\n');
      } else {
        out.append("Pipeline.FunctionCall =\n  _run(\"").append(s.qualifiedName()).append("\", ")
            .append(arguments(s)).append(")\n");
      }
    }
    out.append("""

        local _parser = new _json.Parser {}

        // Arguments travel as base64 of their JSON, which keeps any string intact in a URI; the answer
        // is JSON. Pkl reads each URI once per evaluation, which suits pure functions.
        local function _call(name: String, args: Map<String, Any>): Any =
          _parser.parse(read("%s:%s.\\(name)?\\(new JsonRenderer { indent = "" }.renderValue(args).base64)"))

        // Optional parameters left out (null) are not part of the call.
        local function _run(_name: String, _args: Map<String, Any>): Pipeline.FunctionCall =
          new Pipeline.FunctionCall {
            name = _name
            args = _args.filter((_, value) -> value != null).toMapping()
          }
        """.formatted(SCHEME, namespace));
    return out.toString();
  }

  private static void doc(Signature s, StringBuilder out) {
    List<String> lines = new ArrayList<>();
    if (!s.doc().isBlank()) {
      lines.addAll(s.doc().strip().lines().toList());
    }
    if (!s.parameters().isEmpty()) {
      lines.add("");
      for (Parameter p : s.parameters()) {
        // A list item: a line starting with "[name]:" would be a Markdown link definition, not text.
        lines.add("- [" + p.name() + "]: " + (p.optional() ? "(optional) " : "") + p.doc().strip().replace("\n", " "));
      }
    }
    if (s.phase() == Phase.RUN) {
      lines.add("");
      lines.add("Run-time function: set a task's `call` to its value; Kiln calls it after the task's");
      lines.add("dependencies" + (s.results().isEmpty() ? "." : ", and later tasks read its results ("
          + String.join(", ", s.results().stream().map(r -> "`" + r + "`").toList()) + ") with [Pipeline.resultOf]."));
    }
    for (String line : lines) {
      out.append(line.isEmpty() ? "///" : "/// " + line).append('\n');
    }
  }

  private static String type(Parameter p) {
    String t = p.type().pklName();
    return p.optional() ? t + "?" : t;
  }

  private static String arguments(Signature s) {
    if (s.parameters().isEmpty()) {
      return "Map()";
    }
    StringBuilder args = new StringBuilder("Map(");
    for (int i = 0; i < s.parameters().size(); i++) {
      String name = s.parameters().get(i).name();
      args.append(i == 0 ? "" : ", ").append('"').append(name).append("\", ").append(identifier(name));
    }
    return args.append(')').toString();
  }

  /**
   * Pkl that converts {@code expr}, a value {@code pkl:json} parsed (objects as {@code Dynamic},
   * arrays as {@code Listing}), to {@code type}.
   */
  private static String convert(ValueType type, String expr, int depth) {
    String x = "x" + depth;
    return switch (type.kind()) {
      case "string" -> expr + " as String";
      case "int" -> expr + " as Int";
      case "float" -> "(" + expr + " as Number).toFloat()";
      case "boolean" -> expr + " as Boolean";
      case "any" -> expr;
      case "list" -> "(" + expr + " as Listing).toList().map((" + x + ") -> "
          + convert(type.element(), x, depth + 1) + ")";
      case "map" -> "(" + expr + " as Dynamic).toMap().mapValues((_, " + x + ") -> "
          + convert(type.element(), x, depth + 1) + ")";
      default -> throw new IllegalArgumentException("not an evaluation-time type: " + type);
    };
  }

  /** {@code name}, quoted with backticks when it is a Pkl keyword. */
  static String identifier(String name) {
    return KEYWORDS.contains(name) ? "`" + name + "`" : name;
  }
}
