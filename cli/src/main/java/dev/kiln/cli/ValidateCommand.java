package dev.kiln.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.model.Pipeline;
import dev.kiln.model.PipelineException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kiln validate [FILE...]}: evaluates pipelines and runs every check, without an engine. */
@Command(
    name = "validate",
    description = "Check pipelines (default ./pipeline.pkl): syntax, types, dependencies, exports."
        + " Exit 0 when all are valid, 2 otherwise.",
    footerHeading = Kiln.EXAMPLES,
    footer = {
      "  # ./pipeline.pkl: syntax, types, dependencies, exports (no engine needed)",
      "  kiln validate",
      "  # several pipelines, the result as JSON",
      "  kiln validate --format json ci/*.pkl",
      "  # with a parameter, checked against its declared type",
      "  kiln validate -p version=1.2.0"
    })
final class ValidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "Pipelines to check (default: pipeline.pkl); -f FILE adds one, as"
      + " with the other commands (repeatable).")
  List<Path> files = new ArrayList<>();

  @Mixin FormatOption format;

  @Mixin PipelineOptions options;

  @Override
  public Integer call() throws Exception {
    boolean json = format.json();
    List<Path> named = new ArrayList<>(options.files);
    named.addAll(files);
    List<Path> targets = named.isEmpty() ? List.of(PipelineOptions.DEFAULT_FILE) : named;
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    // Jackson only for --format json: its start-up cost is felt in every pre-commit run.
    List<Result> results = new ArrayList<>();
    boolean allValid = true;
    for (Path file : targets) {
      try {
        Pipeline pipeline = options.evaluator(file).evaluate(file);
        results.add(new Result(file, pipeline, null));
        if (!json) {
          int n = pipeline.tasks().size();
          out.println(file + ": ok (" + n + " task" + (n == 1 ? "" : "s") + ")");
        }
      } catch (PipelineException e) {
        allValid = false;
        results.add(new Result(file, null, e));
        if (!json) {
          err.print(ErrorRenderer.render(e));
          ErrorRenderer.annotations(e, Kiln.environment(spec)).forEach(err::println);
        }
      }
    }
    if (json) {
      out.println(json(results, allValid));
    }
    out.flush();
    err.flush();
    return allValid ? ExitCodes.OK : ExitCodes.INVALID;
  }

  /** One file's outcome: its pipeline or its error. */
  private record Result(Path file, Pipeline pipeline, PipelineException error) {}

  private static String json(List<Result> results, boolean allValid) throws Exception {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode report = mapper.createObjectNode();
    report.put("valid", allValid);
    ArrayNode files = report.putArray("files");
    for (Result r : results) {
      ObjectNode result = files.addObject();
      result.put("file", r.file().toString());
      result.put("valid", r.error() == null);
      if (r.error() == null) {
        result.put("tasks", r.pipeline().tasks().size());
      } else {
        result.set("error", ErrorRenderer.json(r.error()));
        ArrayNode errors = result.putArray("errors");
        r.error().problems().forEach(p -> errors.add(ErrorRenderer.json(p)));
      }
    }
    return mapper.writeValueAsString(report);
  }
}
