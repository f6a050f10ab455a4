package dev.kiln.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.evaluator.PipelineEvaluator;
import dev.kiln.evaluator.PipelineException;
import dev.kiln.evaluator.model.Pipeline;
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
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kiln validate [FILE...]}: evaluates pipelines and runs every check, without an engine. */
@Command(
    name = "validate",
    description = "Check pipelines (default ./pipeline.pkl): syntax, types, dependencies, exports."
        + " Exit 0 when all are valid, 2 otherwise.")
final class ValidateCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "Pipelines to check (default: pipeline.pkl).")
  List<Path> files = new ArrayList<>();

  @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
  String format;

  @Mixin PipelineOptions options;

  @Override
  public Integer call() throws Exception {
    boolean json = switch (format.toLowerCase(Locale.ROOT)) {
      case "text" -> false;
      case "json" -> true;
      default -> throw new ParameterException(spec.commandLine(), "--format: expected text or json, got " + format);
    };
    List<Path> targets = files.isEmpty() ? List.of(Path.of("pipeline.pkl")) : files;
    PipelineEvaluator evaluator = options.evaluator();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ObjectNode report = JSON.createObjectNode();
    ArrayNode results = report.putArray("files");
    boolean allValid = true;
    for (Path file : targets) {
      ObjectNode result = results.addObject();
      result.put("file", file.toString());
      try {
        Pipeline pipeline = evaluator.evaluate(file);
        result.put("valid", true);
        result.put("tasks", pipeline.tasks().size());
        if (!json) {
          out.println(file + ": ok (" + pipeline.tasks().size() + " task"
              + (pipeline.tasks().size() == 1 ? "" : "s") + ")");
        }
      } catch (PipelineException e) {
        allValid = false;
        result.put("valid", false);
        result.set("error", ErrorRenderer.json(e));
        if (!json) {
          err.print(ErrorRenderer.render(e));
        }
      }
    }
    report.put("valid", allValid);
    if (json) {
      out.println(JSON.writeValueAsString(report));
    }
    out.flush();
    err.flush();
    return allValid ? ExitCodes.OK : ExitCodes.INVALID;
  }
}
