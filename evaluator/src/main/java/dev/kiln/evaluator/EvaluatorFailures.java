package dev.kiln.evaluator;

import dev.kiln.model.PipelineException;
import dev.kiln.model.SourceLocation;
import org.pkl.core.PklBugException;

/**
 * Evaluation failures that are not a mistake Pkl reports in the pipeline's terms: a Java
 * {@link Error} (the stack or the heap ran out) or one of Pkl's internal errors, whose text asks to
 * file a bug report with Pkl and holds a flattened stack trace. Each becomes one sentence located
 * at the pipeline, with the cause kept for {@code --stacktrace}.
 */
final class EvaluatorFailures {
  private EvaluatorFailures() {}

  /** {@code failure} as the user should see it. */
  static PipelineException of(Throwable failure, SourceLocation where) {
    Throwable root = failure;
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof StackOverflowError || t instanceof OutOfMemoryError) {
        root = t;
        break;
      }
      root = t;
    }
    if (root instanceof StackOverflowError) {
      return new PipelineException("the pipeline nests too deeply to evaluate (the evaluator ran out of stack)",
          where, "nest fewer values inside each other: literals, or containers and directories built from"
              + " each other", failure);
    }
    if (root instanceof OutOfMemoryError) {
      return new PipelineException("the pipeline needs more memory than evaluation may use ("
          + firstLine(root.getMessage()) + ")", where, "a value is too large: a string past the JVM's limit of"
              + " about 2 billion characters, or a collection or string grown without bound", failure);
    }
    if (failure instanceof PklBugException) {
      // Its own message asks to file a bug with Pkl and holds a rendered stack trace: never shown.
      String what = root == failure ? "no cause given" : describe(root);
      return new PipelineException("Pkl failed internally while evaluating the pipeline (" + what + ")",
          where, "the pipeline may be valid Pkl that Pkl cannot evaluate; change the expression you changed"
              + " last, and report it to Kiln with the output of --stacktrace", failure);
    }
    return new PipelineException("evaluation failed: " + describe(root), where,
        "this is a bug in Kiln; please report it with the output of --stacktrace", failure);
  }

  private static String describe(Throwable t) {
    String message = firstLine(t.getMessage());
    return t.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    String line = text.strip().lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 197) + "..." : line;
  }
}
