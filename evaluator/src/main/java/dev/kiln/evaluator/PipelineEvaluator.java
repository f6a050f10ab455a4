package dev.kiln.evaluator;

import dev.kiln.evaluator.model.Param;
import dev.kiln.evaluator.model.Pipeline;
import dev.kiln.evaluator.model.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.pkl.core.Evaluator;
import org.pkl.core.EvaluatorBuilder;
import org.pkl.core.Loggers;
import org.pkl.core.ModuleSource;
import org.pkl.core.PClass;
import org.pkl.core.PModule;
import org.pkl.core.PObject;
import org.pkl.core.PklException;
import org.pkl.core.module.ModuleKeyFactories;
import org.pkl.core.resource.ResourceReaders;

/**
 * Evaluates a {@code pipeline.pkl} into the {@link Pipeline} model, in a sandbox: only the project
 * root's files, Kiln's schema and Pkl's standard library can be imported; no network; only the
 * host environment variables the pipeline declares in {@code hostEnv}; a time limit. Every problem
 * is a {@link PipelineException} located in the user's file.
 *
 * <pre>{@code
 * Pipeline p = PipelineEvaluator.builder().param("version", "1.2.3").build().evaluate(file);
 * }</pre>
 */
public final class PipelineEvaluator {
  private final Path projectRoot;
  private final Map<String, String> params;
  private final Path paramsFile;
  private final Map<String, String> environment;
  private final Duration timeout;
  private final EvaluationCache cache;
  private final FunctionRegistry functions;

  private PipelineEvaluator(Builder b) {
    this.projectRoot = b.projectRoot;
    this.params = Map.copyOf(b.params);
    this.paramsFile = b.paramsFile;
    this.environment = b.environment == null ? System.getenv() : Map.copyOf(b.environment);
    this.timeout = b.timeout;
    this.cache = b.cacheDir == null ? null : new EvaluationCache(b.cacheDir, b.buildId);
    this.functions = b.functions;
  }

  /** A builder with defaults: project root = the pipeline's directory, no overrides, 30 s. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Evaluates {@code pipelineFile}, applies parameter overrides, maps and checks the result.
   *
   * @throws PipelineException when the pipeline or its parameters are invalid
   */
  public Pipeline evaluate(Path pipelineFile) {
    Path file = pipelineFile.toAbsolutePath().normalize();
    if (!Files.isRegularFile(file)) {
      throw new PipelineException("no pipeline at " + PklErrors.display(file), null,
          "run `kiln init` to create a starter pipeline.pkl, or name the file to use");
    }
    Path root = (projectRoot != null ? projectRoot : file.getParent()).toAbsolutePath().normalize();
    KilnSchema.checkVendoredCopy(root);
    String key = cache == null ? null : cache.key(file, params, paramsFile);
    if (cache != null) {
      var hit = cache.lookup(key, environment);
      if (hit.isPresent()) {
        return hit.get();
      }
    }
    PklErrors errors = new PklErrors(root);
    HostEnvironment env = new HostEnvironment(environment);
    InputRecorder inputs = new InputRecorder();
    if (paramsFile != null) {
      inputs.file(paramsFile);
    }
    try (Evaluator pkl = sandbox(root, errors, env, inputs)) {
      ModuleSource user = ModuleSource.path(file);
      requireSchema((PClass) pkl.evaluateExpression(user, "module.getClass()"), file);
      env.declare(new HashSet<>(ModelReader.strings(pkl.evaluateExpression(user, "hostEnv"))));
      PClass paramsClass = (PClass) pkl.evaluateExpression(user, "params.getClass()");
      Map<String, ParamOverrides.Declared> declared = ParamOverrides.declared(paramsClass);
      String overrides = new ParamOverrides(declared).moduleText(file, params, paramsFile);
      ModuleSource main = overrides == null ? user : ModuleSource.text(overrides);
      PModule module = pkl.evaluate(main);
      PObject defaults = overrides == null
          ? (PObject) module.getProperty("params")
          : (PObject) pkl.evaluateExpression(user, "params");
      SourceIndex source = new SourceIndex(file);
      Map<String, Task> tasks = new ModelReader(source).tasks(module.getProperty("tasks"));
      List<Param> ps = new ArrayList<>();
      PObject values = (PObject) module.getProperty("params");
      declared.forEach((name, d) -> ps.add(new Param(name, d.type(), d.description(),
          ModelReader.nullable(defaults.getProperty(name)), ModelReader.nullable(values.getProperty(name)))));
      Pipeline pipeline = new Pipeline(tasks, ps, ModelReader.strings(module.getProperty("defaultTasks")));
      new PipelineChecks(source, root).check(pipeline);
      // Functions are found only for pipelines with calls: finding them costs a class-path scan.
      pipeline = new FunctionCallChecks(source, () -> functions != null ? functions : FunctionRegistry.builtIn())
          .check(pipeline);
      if (cache != null && inputs.uncacheableReason() == null) {
        cache.store(key, pipeline, inputs.files(), env.declared(), environment);
      }
      return pipeline;
    } catch (PklException e) {
      throw errors.convert(e, file);
    }
  }

  private static void requireSchema(PClass moduleClass, Path file) {
    for (PClass c = moduleClass; c != null; c = c.getSuperclass()) {
      if ("kiln.Pipeline".equals(c.getModuleName())) {
        return;
      }
    }
    throw new PipelineException("this module is not a Kiln pipeline",
        new SourceLocation(PklErrors.display(file), 1, 1),
        "start it with `amends \".kiln/schema/Pipeline.pkl\"` (`kiln init` writes a starter)");
  }

  private Evaluator sandbox(Path root, PklErrors errors, HostEnvironment env, InputRecorder inputs) {
    String rootUri = root.toUri().toString();
    if (!rootUri.endsWith("/")) {
      rootUri += "/";
    }
    return EvaluatorBuilder.unconfigured()
        .setStackFrameTransformer(errors)
        .setLogger(Loggers.noop())
        // Explicit lists: no http(s) (0.30.0 connects before checking the allow-list), no package:.
        .setModuleKeyFactories(List.of(new SchemaModuleKeyFactory(root),
            ModuleKeyFactories.standardLibrary, inputs.modules(ModuleKeyFactories.file)))
        .setResourceReaders(List.of(env, inputs.resources(ResourceReaders.file())))
        .setAllowedModules(List.of(Pattern.compile("pkl:"), Pattern.compile("repl:"),
            Pattern.compile(Pattern.quote(rootUri))))
        .setAllowedResources(List.of(Pattern.compile("env:"), Pattern.compile(Pattern.quote(rootUri))))
        .setRootDir(root)
        .setTimeout(timeout)
        .build();
  }

  /** Configures a {@link PipelineEvaluator}. */
  public static final class Builder {
    private Path projectRoot;
    private final Map<String, String> params = new LinkedHashMap<>();
    private Path paramsFile;
    private Map<String, String> environment;
    private Duration timeout = Duration.ofSeconds(30);
    private Path cacheDir;
    private String buildId;
    private FunctionRegistry functions;

    private Builder() {}

    /**
     * Reuses earlier evaluations stored in {@code dir} while every file and host variable they read
     * is unchanged. {@code buildId} must differ between Kiln builds (a model from another build is
     * never reused); a null {@code dir} turns the cache off, which is the default.
     */
    public Builder cache(Path dir, String buildId) {
      this.cacheDir = dir;
      this.buildId = Objects.requireNonNull(buildId, "buildId");
      return this;
    }

    /** The directory the pipeline may read and import from; default: the pipeline's directory. */
    public Builder projectRoot(Path root) {
      this.projectRoot = root;
      return this;
    }

    /** Overrides parameter {@code name} ({@code --param name=value}); Pkl checks the type. */
    public Builder param(String name, String value) {
      params.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
      return this;
    }

    /** Overrides parameters with {@link #param} for each entry. */
    public Builder params(Map<String, String> values) {
      values.forEach(this::param);
      return this;
    }

    /** Parameter values from a JSON or YAML object; {@link #param} values win over them. */
    public Builder paramsFile(Path file) {
      this.paramsFile = file;
      return this;
    }

    /** The host environment {@code hostEnv} names are read from; default: the process's. */
    public Builder environment(Map<String, String> environment) {
      this.environment = environment;
      return this;
    }

    /** How long evaluation may take; default 30 seconds. */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout);
      return this;
    }

    /** The functions tasks may call; default {@link FunctionRegistry#builtIn()}. */
    public Builder functions(FunctionRegistry functions) {
      this.functions = Objects.requireNonNull(functions);
      return this;
    }

    /** The evaluator. */
    public PipelineEvaluator build() {
      return new PipelineEvaluator(this);
    }
  }
}
