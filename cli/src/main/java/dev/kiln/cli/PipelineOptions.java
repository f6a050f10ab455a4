package dev.kiln.cli;

import dev.kiln.evaluator.Evaluation;
import dev.kiln.evaluator.PipelineEvaluator;
import dev.kiln.model.FunctionRegistry;
import dev.kiln.model.Pipeline;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options of every command that takes a pipeline: which one ({@code -f/--file}) and how to
 * evaluate it ({@code --param}, {@code --params-file}, {@code --plugins}, {@code --trust}).
 */
final class PipelineOptions {
  /** The pipeline a command reads when none is named. */
  static final Path DEFAULT_FILE = Path.of("pipeline.pkl");

  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "The pipeline (default: pipeline.pkl).")
  List<Path> files = new ArrayList<>();

  @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE",
      description = "Override a parameter (Pkl checks it against its declared type); repeatable.")
  Map<String, String> params = new LinkedHashMap<>();

  @Option(names = "--params-file", paramLabel = "FILE",
      description = "Parameter values from a JSON or YAML object (--param wins).")
  Path paramsFile;

  @Option(names = "--eval-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Give up evaluating the pipeline after DURATION (default: 30s).")
  Duration evalTimeout = Duration.ofSeconds(30);

  @Mixin PluginOptions plugins = new PluginOptions();

  /**
   * The pipeline the command reads: {@code -f}'s, else {@code pipeline.pkl}.
   *
   * @throws ParameterException when {@code -f} is given more than once
   */
  Path file() {
    if (files.size() > 1) {
      throw new ParameterException(mixee.commandLine(), "option '--file' (FILE) should be specified only once");
    }
    return files.isEmpty() ? DEFAULT_FILE : files.get(0);
  }

  /**
   * A pipeline and the files it came from.
   *
   * @param inputs the pipeline file and every file its evaluation read
   * @param kilnFiles the pipeline file and the {@code .pkl} modules it imported: Kiln's own files,
   *     never sent in a host directory
   */
  record Loaded(Pipeline pipeline, Set<Path> inputs, Set<Path> kilnFiles) {}

  /** The pipeline in {@code file}, read by {@code override} (tests) or else evaluated. */
  Loaded load(Path file, PipelineLoader override) {
    Set<Path> inputs = new HashSet<>(Set.of(file.toAbsolutePath()));
    Set<Path> kilnFiles = new TreeSet<>(Set.of(file.toAbsolutePath().normalize()));
    if (override != null) {
      return new Loaded(override.load(file), inputs, kilnFiles);
    }
    Evaluation evaluation = evaluator(file).evaluation(file);
    inputs.addAll(evaluation.inputs());
    for (Path input : evaluation.inputs()) {
      if (input.getFileName().toString().endsWith(".pkl") && !evaluation.functionInputs().contains(input)) {
        kilnFiles.add(input.toAbsolutePath().normalize());
      }
    }
    return new Loaded(evaluation.pipeline(), inputs, kilnFiles);
  }

  /**
   * The evaluator for {@code pipelineFile}, reusing the project's earlier evaluations (under
   * {@code .kiln/cache/evaluations}) while their inputs are unchanged; {@code KILN_NO_EVAL_CACHE=1}
   * turns that off.
   */
  PipelineEvaluator evaluator(Path pipelineFile) {
    if (evalTimeout.isZero()) {
      throw new ParameterException(mixee.commandLine(), "option '--eval-timeout' must be more than 0s");
    }
    // The evaluator loads the plugins (and the project's .kiln/plugins) only when it must evaluate.
    projectRoot = pipelineFile.toAbsolutePath().normalize().getParent();
    PipelineEvaluator.Builder b = PipelineEvaluator.builder().params(params).paramsFile(paramsFile)
        .plugins(plugins.dirs).projectPlugins(plugins.trust(projectRoot).plugins()).notes(this::note)
        .timeout(evalTimeout);
    if (functions != null) {
      b.functions(functions);
    }
    String build = buildId();
    if (build != null && !"1".equals(System.getenv("KILN_NO_EVAL_CACHE"))) {
      Path project = pipelineFile.toAbsolutePath().normalize().getParent();
      // No cache where .kiln leads out of the project: it is neither written nor trusted there.
      StateDirectory.path(project, "cache/evaluations").ifPresent(dir -> {
        KilnIgnore.ensure(project);
        b.cache(dir, build);
      });
    }
    return b.build();
  }

  /**
   * Identifies this Kiln build by its jars' paths, sizes and modification times, or null when Kiln
   * runs from class directories (a development build, whose changes a cache would not notice).
   */
  static String buildId() {
    StringBuilder id = new StringBuilder();
    for (Class<?> c : new Class<?>[] {Main.class, PipelineEvaluator.class}) {
      try {
        var source = c.getProtectionDomain().getCodeSource();
        Path jar = Path.of(source.getLocation().toURI());
        if (!Files.isRegularFile(jar)) {
          return null;
        }
        id.append(jar).append(':').append(Files.size(jar)).append(':')
            .append(Files.getLastModifiedTime(jar).toMillis()).append(';');
      } catch (Exception e) {
        return null;
      }
    }
    return id.toString();
  }

  private FunctionRegistry functions;
  private Path projectRoot;

  private void note(String text) {
    if (mixee != null) {
      PrintWriter err = mixee.commandLine().getErr();
      err.println("note: " + text);
      err.flush();
    }
  }

  /**
   * The functions pipelines may call: checked against when evaluating, called when running. Kiln's,
   * the project's {@code .kiln/plugins/} (of the pipeline last given to {@link #evaluator}) and
   * {@code --plugins}'.
   */
  FunctionRegistry functions() {
    if (functions == null) {
      functions = plugins.registry(projectRoot != null ? projectRoot : Path.of("").toAbsolutePath());
    }
    return functions;
  }
}
