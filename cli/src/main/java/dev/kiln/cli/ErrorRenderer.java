package dev.kiln.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.executor.CiSystem;
import dev.kiln.executor.OutputText;
import dev.kiln.executor.SolveException;
import dev.kiln.model.KilnException;
import dev.kiln.model.PipelineException;
import dev.kiln.model.SourceLocation;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Renders a {@link KilnException} for a person: {@code file:line:col: error: message}, the line
 * of code with a caret under the column, and the hint. The one place errors become text: the
 * error that ends a command, a failed task in the run's summary, and a validation result.
 */
final class ErrorRenderer {
  private ErrorRenderer() {}

  /**
   * The error that ended a command; with {@code stacktrace}, followed by its stack trace. Anything
   * that is not a {@link KilnException} escaped every module's choke point: a bug ({@link #internal}).
   */
  static String render(Throwable error, boolean stacktrace) {
    // An engine's or a registry's words, a path or a name from the pipeline: shown, never obeyed by the terminal.
    StringBuilder out = new StringBuilder(OutputText.neutralise(
        error instanceof KilnException ke ? render(ke) : internal(error) + "\n"));
    if (stacktrace) {
      StringWriter trace = new StringWriter();
      error.printStackTrace(new PrintWriter(trace));
      out.append(trace);
    }
    return out.toString();
  }

  /**
   * A failed task for the run's summary: the engine's message, the step, the hint and the step's
   * last lines of output, each line through {@code mask} (secrets the output may contain).
   */
  static String taskFailure(String task, SolveException e, UnaryOperator<String> mask) {
    StringBuilder out = new StringBuilder("\n");
    out.append(mask.apply("task " + task + " failed: " + e.getMessage())).append('\n');
    e.step().ifPresent(s -> out.append(mask.apply("  step: " + s)).append('\n'));
    e.location().ifPresent(loc -> out.append(mask.apply("  at: " + loc)).append('\n'));
    e.hint().ifPresent(h -> out.append(mask.apply("  hint: " + h)).append('\n'));
    if (!e.logTail().isEmpty()) {
      out.append("  last ").append(e.logTail().size()).append(" lines of its output:\n");
      // a line the mask breaks in two (a carriage return ends a line) keeps its indent
      e.logTail().forEach(l -> mask.apply(l).lines().forEach(part -> out.append("    ").append(part).append('\n')));
    }
    e.serviceLogs().forEach((service, lines) -> {
      out.append("  service ").append(mask.apply(service)).append(lines.isEmpty() ? " printed nothing\n"
          : ", its last " + lines.size() + " lines of output:\n");
      lines.forEach(l -> mask.apply(l).lines().forEach(part -> out.append("    ").append(mask.apply(service))
          .append(" | ").append(part).append('\n')));
    });
    return out.toString();
  }

  /**
   * {@code e} as GitHub Actions error annotations, one per problem, when the environment says the
   * run is on GitHub Actions (else none): {@code ::error file=…,line=…,col=…::message}, the file
   * relative to the workspace so that GitHub shows it on the line of the pipeline.
   */
  static List<String> annotations(KilnException e, Map<String, String> environment) {
    if (CiSystem.of(environment).orElse(null) != CiSystem.GITHUB_ACTIONS) {
      return List.of();
    }
    List<? extends KilnException> problems = e instanceof PipelineException p ? p.problems() : List.of(e);
    return problems.stream().map(problem -> annotation(problem, environment.get("GITHUB_WORKSPACE"))).toList();
  }

  private static String annotation(KilnException e, String workspace) {
    StringBuilder props = new StringBuilder();
    e.location().ifPresent(loc -> {
      Path file = loc.file();
      Path absolute = file.toAbsolutePath().normalize();
      if (workspace != null && absolute.startsWith(Path.of(workspace).toAbsolutePath())) {
        file = Path.of(workspace).toAbsolutePath().relativize(absolute);
      }
      props.append("file=").append(CiSystem.escapeProperty(file.toString()));
      if (loc.line() > 0) {
        props.append(",line=").append(loc.line());
        if (loc.column() > 0) {
          props.append(",col=").append(loc.column());
        }
      }
      props.append(',');
    });
    props.append("title=").append(CiSystem.escapeProperty(
        e instanceof PipelineException ? "Kiln: invalid pipeline" : "Kiln"));
    String message = e.getMessage() + e.hint().map(h -> "\nhint: " + h).orElse("");
    return "::error " + props + "::" + CiSystem.escapeData(OutputText.neutralise(message));
  }

  static String render(KilnException e) {
    if (e instanceof PipelineException p && p.problems().size() > 1) {
      StringBuilder out = new StringBuilder();
      p.problems().forEach(problem -> out.append(one(problem)));
      return out.append("kiln: ").append(p.problems().size()).append(" errors\n").toString();
    }
    return one(e);
  }

  private static String one(KilnException e) {
    StringBuilder out = new StringBuilder();
    e.location().ifPresentOrElse(
        loc -> out.append(loc).append(": error: "), () -> out.append("kiln: error: "));
    out.append(e.getMessage()).append('\n');
    e.location().ifPresent(loc -> codeFrame(loc, out));
    e.hint().ifPresent(h -> out.append("hint: ").append(h).append('\n'));
    return out.toString();
  }

  /**
   * A failure that is no {@link KilnException}, in one line: a bug in Kiln, never shown as a JVM
   * stack trace (that is what {@code --stacktrace} is for).
   */
  static String internal(Throwable t) {
    String what;
    if (t instanceof StackOverflowError) {
      what = "ran out of stack (StackOverflowError)";
    } else if (t instanceof OutOfMemoryError) {
      what = "ran out of memory (" + (t.getMessage() == null ? "OutOfMemoryError" : t.getMessage()) + ")";
    } else {
      String message = t.getMessage() == null ? "" : t.getMessage().strip().lines().findFirst().orElse("");
      what = t.getClass().getName() + (message.isEmpty() ? "" : ": " + message);
    }
    return "kiln: internal error: " + what + "; this is a bug in Kiln, please report it with the output of --stacktrace";
  }

  /** {@code e} for tools: {@code {"message", "location": {"file", "line", "column"}, "hint"}}. */
  static ObjectNode json(KilnException e) {
    ObjectNode error = JsonNodeFactory.instance.objectNode();
    error.put("message", e.getMessage());
    e.location().ifPresent(loc -> {
      ObjectNode l = error.putObject("location");
      l.put("file", loc.file().toString());
      l.put("line", loc.line());
      l.put("column", loc.column());
    });
    e.hint().ifPresent(h -> error.put("hint", h));
    return error;
  }

  private static void codeFrame(SourceLocation loc, StringBuilder out) {
    if (loc.line() == 0) {
      return;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(loc.file());
    } catch (IOException | RuntimeException e) {
      return; // the frame is a courtesy; the location line already says where
    }
    if (loc.line() > lines.size()) {
      return;
    }
    String gutter = String.valueOf(loc.line());
    out.append(' ').append(gutter).append(" | ").append(lines.get(loc.line() - 1)).append('\n');
    if (loc.column() > 0) {
      out.append(" ".repeat(gutter.length() + 1)).append(" | ")
          .append(" ".repeat(loc.column() - 1)).append("^\n");
    }
  }
}
