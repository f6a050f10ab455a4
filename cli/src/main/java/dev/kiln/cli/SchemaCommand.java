package dev.kiln.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.evaluator.FunctionStubs;
import dev.kiln.evaluator.KilnSchema;
import dev.kiln.function.KilnFunction;
import dev.kiln.function.Parameter;
import dev.kiln.function.Signature;
import dev.kiln.model.FunctionRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kiln schema}: writes Kiln's schema and the Pkl stubs of every function on the path
 * (Kiln's, {@code .kiln/plugins/}, {@code --plugins}) to {@code .kiln/schema/}, so editors complete
 * plugins' functions too; {@code --list} shows the functions instead.
 */
@Command(name = "schema", description = "Write Kiln's schema and the Pkl stubs of every function (Kiln's,"
    + " .kiln/plugins/, --plugins) to DIR/.kiln/schema/ for editors; --list shows the functions.",
    footerHeading = Kiln.EXAMPLES,
    footer = {
      "  # .kiln/schema/ here, with the stubs of every function, for editors",
      "  kiln schema",
      "  # the functions pipelines may call, with those of a plugin directory",
      "  kiln schema --list --plugins build/plugins"
    })
final class SchemaCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DIR", arity = "0..1", defaultValue = ".", description = "The project directory (default: .).")
  Path dir;

  @Option(names = "--list", description = "List the functions (name, phase, signature, origin); write nothing.")
  boolean list;

  @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT", converter = OutputFormat.Converter.class,
      description = "--list as text or json (default: ${DEFAULT-VALUE}).")
  OutputFormat format;

  @Mixin PluginOptions plugins;

  @Override
  public Integer call() throws IOException {
    FunctionRegistry registry = plugins.registry(dir);
    PrintWriter out = spec.commandLine().getOut();
    if (list) {
      out.print(format == OutputFormat.JSON ? json(registry) : text(registry));
    } else {
      write(dir, registry, out);
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** Writes the schema and {@code registry}'s stubs under {@code projectRoot}, saying what it wrote. */
  static void write(Path projectRoot, FunctionRegistry registry, PrintWriter out) throws IOException {
    for (String dir : List.of("schema", "schema/std", "schema/functions")) {
      StateDirectory.required(projectRoot.toAbsolutePath(), dir); // never written (nor cleaned) through a link out
    }
    Path schema = KilnSchema.writeTo(projectRoot);
    List<Path> stubs = FunctionStubs.of(registry).writeTo(schema);
    out.println("wrote " + schema + " (Kiln schema version " + KilnSchema.version() + ", "
        + registry.all().size() + " function" + (registry.all().size() == 1 ? "" : "s") + " in "
        + stubs.size() + " module" + (stubs.size() == 1 ? "" : "s") + " under " + FunctionStubs.DIRECTORY + "/)");
  }

  static String text(FunctionRegistry registry) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NAME", "PHASE", "SIGNATURE", "ORIGIN"});
    for (KilnFunction fn : registry.all()) {
      Signature s = fn.signature();
      rows.add(new String[] {s.qualifiedName(), s.phase().name().toLowerCase(Locale.ROOT),
          FunctionStubs.signature(s), registry.origin(s.qualifiedName())});
    }
    int[] width = new int[3];
    for (String[] r : rows) {
      for (int i = 0; i < width.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] r : rows) {
      for (int i = 0; i < width.length; i++) {
        out.append(r[i]).append(" ".repeat(width[i] - r[i].length() + 2));
      }
      out.append(r[3]).append('\n');
    }
    return out.toString();
  }

  static String json(FunctionRegistry registry) throws IOException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ArrayNode functions = mapper.createArrayNode();
    for (KilnFunction fn : registry.all()) {
      Signature s = fn.signature();
      ObjectNode n = functions.addObject();
      n.put("name", s.qualifiedName());
      n.put("phase", s.phase().name().toLowerCase(Locale.ROOT));
      n.put("signature", FunctionStubs.signature(s));
      n.put("doc", s.doc());
      ArrayNode params = n.putArray("parameters");
      for (Parameter p : s.parameters()) {
        params.addObject().put("name", p.name()).put("type", p.type().pklName()).put("optional", p.optional())
            .put("doc", p.doc());
      }
      if (s.returns() != null) {
        n.put("returns", s.returns().pklName());
      } else {
        s.results().forEach(n.putArray("results")::add);
      }
      n.put("origin", registry.origin(s.qualifiedName()));
    }
    ObjectNode root = mapper.createObjectNode();
    root.set("functions", functions);
    return mapper.writeValueAsString(root) + "\n";
  }
}
