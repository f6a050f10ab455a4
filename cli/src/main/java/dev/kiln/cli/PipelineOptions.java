package dev.kiln.cli;

import dev.kiln.evaluator.FunctionRegistry;
import dev.kiln.evaluator.PipelineEvaluator;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options that say how to evaluate a pipeline: {@code --param} and {@code --params-file}. */
final class PipelineOptions {
  @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE",
      description = "Override a parameter (Pkl checks it against its declared type); repeatable.")
  Map<String, String> params = new LinkedHashMap<>();

  @Option(names = "--params-file", paramLabel = "FILE",
      description = "Parameter values from a JSON or YAML object (--param wins).")
  Path paramsFile;

  private FunctionRegistry functions;

  PipelineEvaluator evaluator() {
    return PipelineEvaluator.builder().params(params).paramsFile(paramsFile).functions(functions()).build();
  }

  /** The functions pipelines may call: checked against when evaluating, called when running. */
  FunctionRegistry functions() {
    if (functions == null) {
      functions = FunctionRegistry.builtIn();
    }
    return functions;
  }
}
