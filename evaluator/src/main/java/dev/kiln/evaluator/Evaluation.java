package dev.kiln.evaluator;

import dev.kiln.model.Pipeline;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * A pipeline and what its evaluation read, which decides when it must be evaluated again.
 *
 * @param pipeline the model
 * @param inputs every file the evaluation read: modules, resources, the parameter file, plugin
 *     jars, and the files functions depend on
 * @param functionInputs the files functions said their results depend on ({@code
 *     FunctionContext.dependsOn}); a subset of {@code inputs}
 * @param uncacheable why the evaluation must not be reused (a function said so, a globbed read), or
 *     null
 */
public record Evaluation(Pipeline pipeline, Set<Path> inputs, Set<Path> functionInputs, String uncacheable) {
  public Evaluation {
    Objects.requireNonNull(pipeline, "pipeline");
    inputs = Set.copyOf(inputs);
    functionInputs = Set.copyOf(functionInputs);
  }

  /** Whether an unchanged set of inputs means an unchanged pipeline. */
  public boolean cacheable() {
    return uncacheable == null;
  }
}
