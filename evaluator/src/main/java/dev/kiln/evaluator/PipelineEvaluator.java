package dev.kiln.evaluator;

import dev.kiln.model.FunctionRegistry;
import dev.kiln.model.KilnBugException;
import dev.kiln.model.KilnException;
import dev.kiln.model.Param;
import dev.kiln.model.Pipeline;
import dev.kiln.model.PipelineException;
import dev.kiln.model.RemoteCache;
import dev.kiln.model.PluginTrust;
import dev.kiln.model.SourceLocation;
import dev.kiln.model.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
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
  /**
   * The evaluation thread's stack: four times the JVM's default, as Kiln's launcher gives its main
   * thread (Pkl's evaluation is deeply recursive); a pipeline nested deeper is an error.
   */
  private static final long STACK_BYTES = 4L << 20;
  private final Path projectRoot;
  private final Map<String, String> params;
  private final Path paramsFile;
  private final Map<String, String> environment;
  private final Duration timeout;
  private final EvaluationThread.Limits limits;
  private final EvaluationCache cache;
  private final FunctionRegistry functions;
  private final List<Path> pluginDirs;
  private final PluginTrust projectPlugins;
  private final Consumer<String> notes;

  private PipelineEvaluator(Builder b) {
    this.projectRoot = b.projectRoot;
    this.params = Map.copyOf(b.params);
    this.paramsFile = b.paramsFile;
    this.environment = b.environment == null ? System.getenv() : Map.copyOf(b.environment);
    this.timeout = b.timeout;
    this.limits = new EvaluationThread.Limits(b.timeout, b.memoryLimit, STACK_BYTES);
    this.cache = b.cacheDir == null ? null : new EvaluationCache(b.cacheDir, b.buildId);
    this.functions = b.functions;
    this.pluginDirs = List.copyOf(b.pluginDirs);
    this.projectPlugins = b.projectPlugins;
    this.notes = b.notes;
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
    return evaluation(pipelineFile).pipeline();
  }

  /**
   * Like {@link #evaluate}, with what the evaluation read: its files, the files the functions it
   * called depend on, and whether it may be reused.
   *
   * @throws PipelineException when the pipeline or its parameters are invalid, or a function failed
   */
  public Evaluation evaluation(Path pipelineFile) {
    Path file = pipelineFile.toAbsolutePath().normalize();
    FileKind kind = FileKind.of(file);
    if (kind == FileKind.MISSING) {
      throw new PipelineException("no pipeline at " + PklErrors.display(file), null,
          "run `kiln init` to create a starter pipeline.pkl, or name the file to use");
    }
    if (kind != FileKind.REGULAR) {
      throw new PipelineException("the pipeline `" + PklErrors.display(file) + "` is " + kind.description()
          + ", not a regular file", null, "name a pipeline file, e.g. pipeline.pkl");
    }
    Path root = (projectRoot != null ? projectRoot : file.getParent()).toAbsolutePath().normalize();
    KilnSchema.checkVendoredCopy(root);
    // Parameters from a pipe (`--params-file <(...)`) can be read once only: never cached.
    boolean cacheable = paramsFile == null || FileKind.of(paramsFile) == FileKind.REGULAR;
    String key = cache == null || !cacheable ? null : cache.key(file, params, paramsFile);
    if (key != null) {
      var hit = cache.lookup(key, environment);
      if (hit.isPresent()) {
        // Links may have changed since: where host paths lead is checked on every evaluation.
        new PipelineChecks(new SourceIndex(file), root).paths(hit.get().pipeline());
        return hit.get();
      }
    }
    HostEnvironment env = new HostEnvironment(environment);
    AtomicReference<Evaluator> running = new AtomicReference<>();
    SourceLocation where = SourceLocation.of(PklErrors.display(file));
    Evaluation evaluation = EvaluationThread.run(() -> evaluate(file, root, env, running), limits, () -> {
      Evaluator pkl = running.get();
      if (pkl != null) {
        pkl.close(); // cancels what Truffle can cancel; may block until then
      }
    }, where);
    if (key != null && evaluation.cacheable()) {
      cache.store(key, evaluation, env.declared(), environment).ifPresent(notes);
    }
    return evaluation;
  }

  /** The evaluation proper, on the evaluation thread; {@code running} receives the Pkl evaluator. */
  private Evaluation evaluate(Path file, Path root, HostEnvironment env, AtomicReference<Evaluator> running) {
    PklErrors errors = new PklErrors(root.resolve(KilnSchema.DIRECTORY));
    InputRecorder inputs = new InputRecorder();
    if (paramsFile != null && FileKind.of(paramsFile) == FileKind.REGULAR) {
      inputs.file(paramsFile);
    }
    // Loaded after the cache lookup: a hit needs no functions (changed plugin jars are inputs).
    FunctionRegistry registry = functions != null ? functions
        : FunctionRegistry.load(pluginDirs, root, projectPlugins);
    for (String jar : registry.origins()) {
      // A changed plugin may answer differently; Kiln's own jars are covered by the build id.
      Path p = Path.of(jar);
      if (Files.isRegularFile(p)) {
        inputs.file(p);
      }
    }
    FunctionReader reader = new FunctionReader(registry, root, inputs);
    PackageSandbox packages = PackageSandbox.of(root, inputs);
    try (Evaluator pkl = sandbox(root, errors, env, inputs, registry, reader, packages)) {
      running.set(pkl);
      ModuleSource user = ModuleSource.path(file);
      requireSchema((PClass) pkl.evaluateExpression(user, "module.getClass()"), file);
      env.declare(new HashSet<>(ModelReader.strings(pkl.evaluateExpression(user, "hostEnv"))));
      PClass paramsClass = (PClass) pkl.evaluateExpression(user, "params.getClass()");
      Map<String, ParamOverrides.Declared> declared = ParamOverrides.declared(paramsClass);
      String overrides = new ParamOverrides(declared).moduleText(file, params, paramsFile);
      ModuleSource main = overrides == null ? user : ModuleSource.text(overrides);
      PModule module;
      try {
        module = pkl.evaluate(main);
      } catch (PklException e) {
        throw problems(e, pkl, main, declared.keySet(), file, errors, reader);
      }
      PObject defaults = overrides == null
          ? (PObject) module.getProperty("params")
          : (PObject) pkl.evaluateExpression(user, "params");
      SourceIndex source = new SourceIndex(file);
      ModelReader model = new ModelReader(source);
      Map<String, Task> tasks = model.tasks(module.getProperty("tasks"));
      List<Param> ps = new ArrayList<>();
      PObject values = (PObject) module.getProperty("params");
      declared.forEach((name, d) -> ps.add(new Param(name, d.type(), d.description(),
          ModelReader.nullable(defaults.getProperty(name)), ModelReader.nullable(values.getProperty(name)))));
      Object remote = module.getProperty("cache");
      Pipeline pipeline = new Pipeline(tasks, ps, ModelReader.strings(module.getProperty("defaultTasks")),
          model.caches(remote, RemoteCache.Direction.IMPORT), model.caches(remote, RemoteCache.Direction.EXPORT),
          model.triggers(module.getProperty("triggers")));
      new PipelineChecks(source, root).check(pipeline);
      new SecretChecks(source, root, env.declared(), inputs.files()).check(pipeline);
      new TriggerChecks(source).check(pipeline);
      // The same functions as the stubs and the reader; on a cache miss the class-path scan is
      // small next to Pkl's evaluation (and done once per process for Kiln's own functions).
      pipeline = new FunctionCallChecks(source, () -> registry).check(pipeline);
      return new Evaluation(pipeline, inputs.files(), reader.dependencies(), inputs.uncacheableReason());
    } catch (PklException e) {
      throw errors.convert(e, file, reader.failure());
    } catch (KilnException e) {
      throw e;
    } catch (RuntimeException e) {
      throw KilnBugException.at("evaluating the pipeline failed unexpectedly", e, SourceLocation.of(PklErrors.display(file)));
    }
  }

  /**
   * {@code first}, the error that ended the evaluation, with the errors of the pipeline's other
   * parts: each task, each parameter and the other settings are evaluated on their own, so that an
   * error in one does not hide the others. Pkl keeps what it evaluated, so the rest costs little.
   */
  private static PipelineException problems(PklException first, Evaluator pkl, ModuleSource main,
      Set<String> params, Path file, PklErrors errors, FunctionReader reader) {
    List<PipelineException> found = new ArrayList<>();
    found.add(errors.convert(first, file, reader.failure()));
    if (String.valueOf(first.getMessage()).contains("timed out")) {
      return found.get(0); // the evaluation is out of time: looking further would only time out again
    }
    List<String> parts = new ArrayList<>();
    try {
      errors.forget();
      for (String task : ModelReader.strings(pkl.evaluateExpression(main, "tasks.keys.toList()"))) {
        parts.add("tasks[" + PklLiteral.string(task) + "]");
      }
    } catch (RuntimeException e) { // a PklException, or Pkl's context cancelled by its timeout
      return found.get(0); // the tasks cannot even be listed: that error hides the rest
    }
    params.forEach(name -> parts.add("params.`" + name + "`"));
    parts.addAll(List.of("defaultTasks", "cache", "hostEnv"));
    for (String part : parts) {
      errors.forget();
      try {
        pkl.evaluateExpression(main, part);
      } catch (PklException e) {
        found.add(errors.convert(e, file, reader.failure(), part));
      } catch (RuntimeException e) {
        break; // Pkl's context is gone (cancelled by its timeout): what was found stands
      }
    }
    return PipelineException.of(found);
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

  private Evaluator sandbox(Path root, PklErrors errors, HostEnvironment env, InputRecorder inputs,
      FunctionRegistry registry, FunctionReader reader, PackageSandbox packages) {
    String rootUri = root.toUri().toString();
    if (!rootUri.endsWith("/")) {
      rootUri += "/";
    }
    List<Pattern> modules = new ArrayList<>(List.of(Pattern.compile("pkl:"), Pattern.compile("repl:"),
        Pattern.compile(Pattern.quote(rootUri))));
    List<Pattern> resources = new ArrayList<>(List.of(Pattern.compile("env:"),
        Pattern.compile(FunctionStubs.SCHEME + ":"), Pattern.compile(Pattern.quote(rootUri))));
    // Explicit lists: no http(s) (0.30.0 connects before checking the allow-list), no package:;
    // projectpackage: only for the packages PklProject.deps.json pins, read from the project's cache.
    List<org.pkl.core.module.ModuleKeyFactory> factories = new ArrayList<>(List.of(
        new SchemaModuleKeyFactory(root.resolve(KilnSchema.DIRECTORY), FunctionStubs.of(registry)),
        ModuleKeyFactories.standardLibrary,
        inputs.modules(ModuleKeyFactories.file)));
    EvaluatorBuilder builder = EvaluatorBuilder.unconfigured();
    packages.configure(builder, factories, modules, resources);
    return builder
        .setStackFrameTransformer(errors)
        .setLogger(Loggers.noop())
        .setModuleKeyFactories(factories)
        .setResourceReaders(List.of(env, reader, inputs.resources(ResourceReaders.file())))
        .setAllowedModules(modules)
        .setAllowedResources(resources)
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
    private long memoryLimit = EvaluationThread.Limits.defaultMaxHeap();
    private Path cacheDir;
    private String buildId;
    private FunctionRegistry functions;
    private final List<Path> pluginDirs = new ArrayList<>();
    private PluginTrust projectPlugins = PluginTrust.none(
        "a program that evaluates pipelines allows them with PipelineEvaluator.Builder.projectPlugins");
    private Consumer<String> notes = note -> { };

    private Builder() {}

    /**
     * Where the evaluator tells what a user may want to know but is no error, e.g. that an
     * evaluation was too large to cache; default: nowhere.
     */
    public Builder notes(Consumer<String> sink) {
      this.notes = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /**
     * The Java functions pipelines may call, and whose stubs {@code .kiln/schema/functions/} serves,
     * instead of the default: Kiln's own, those of the project's {@code .kiln/plugins/*.jar} that
     * {@link #projectPlugins} allows and of the {@link #plugins} directories, loaded only when the
     * pipeline is evaluated (not on a cache hit).
     */
    public Builder functions(FunctionRegistry functions) {
      this.functions = Objects.requireNonNull(functions, "functions");
      return this;
    }

    /**
     * Which jars of the project's {@code .kiln/plugins/} may be loaded (their code runs on this
     * machine); default: none, and evaluating a project that has some is an error.
     */
    public Builder projectPlugins(PluginTrust trust) {
      this.projectPlugins = Objects.requireNonNull(trust, "trust");
      return this;
    }

    /** Also loads functions from the jars in {@code dirs} ({@code --plugins}). */
    public Builder plugins(List<Path> dirs) {
      pluginDirs.addAll(dirs);
      return this;
    }

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

    /**
     * How much heap an evaluation may hold (measured after a collection) before it is stopped;
     * default 2 GiB, or three quarters of the JVM's maximum heap if that is less.
     */
    public Builder memoryLimit(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("memory limit must be positive: " + bytes);
      }
      this.memoryLimit = bytes;
      return this;
    }

    /** The evaluator. */
    public PipelineEvaluator build() {
      return new PipelineEvaluator(this);
    }
  }
}
