package dev.kiln.evaluator;

import dev.kiln.model.EngineFleet;
import dev.kiln.model.PipelineException;
import dev.kiln.model.SourceLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.pkl.core.Evaluator;
import org.pkl.core.EvaluatorBuilder;
import org.pkl.core.Loggers;
import org.pkl.core.ModuleSource;
import org.pkl.core.PModule;
import org.pkl.core.PObject;
import org.pkl.core.PklException;
import org.pkl.core.module.ModuleKeyFactories;

/**
 * Reads an engines file ({@code .kiln/engines.pkl}, {@code ~/.config/kiln/engines.pkl}), a module
 * amending Kiln's {@code Engines.pkl} schema (served as {@code schema/Engines.pkl} beside the file),
 * sandboxed like a pipeline: it may import only files of its own directory and {@code pkl:} modules.
 */
public final class EngineFleetFile {
  /** Where a project keeps its engines file, relative to the project. */
  public static final Path PROJECT_FILE = Path.of(".kiln", "engines.pkl");

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private EngineFleetFile() {}

  /**
   * The fleet {@code file} declares.
   *
   * @throws PipelineException located in the file when it is not a valid engines file
   */
  public static EngineFleet read(Path file) {
    Path abs = file.toAbsolutePath().normalize();
    Path dir = abs.getParent();
    Path schemaDir = dir.resolve("schema");
    SourceLocation where = SourceLocation.of(PklErrors.display(abs));
    if (!Files.isRegularFile(abs)) {
      throw new PipelineException("no engines file at " + PklErrors.display(abs), where,
          "write one that starts with `amends \"schema/Engines.pkl\"`");
    }
    PklErrors errors = new PklErrors(schemaDir);
    String dirUri = dir.toUri().toString();
    try (Evaluator pkl = EvaluatorBuilder.unconfigured()
        .setStackFrameTransformer(errors)
        .setLogger(Loggers.noop())
        .setModuleKeyFactories(List.of(new SchemaModuleKeyFactory(schemaDir, FunctionStubs.none()),
            ModuleKeyFactories.standardLibrary, ModuleKeyFactories.file))
        .setAllowedModules(List.of(Pattern.compile("pkl:"), Pattern.compile(Pattern.quote(dirUri))))
        .setAllowedResources(List.of(Pattern.compile(Pattern.quote(dirUri))))
        .setRootDir(dir)
        .setTimeout(TIMEOUT)
        .build()) {
      PModule module = pkl.evaluate(ModuleSource.path(abs));
      if (!"kiln.Engines".equals(module.getClassInfo().getModuleName())) {
        throw new PipelineException("this module is not a Kiln engines file", new SourceLocation(where.file(), 1, 1),
            "start it with `amends \"schema/Engines.pkl\"`");
      }
      List<EngineFleet.Engine> engines = new ArrayList<>();
      for (Map.Entry<?, ?> e : ModelReader.map(module.getProperty("engines")).entrySet()) {
        PObject engine = (PObject) e.getValue();
        engines.add(new EngineFleet.Engine((String) e.getKey(), (String) engine.getProperty("address"),
            ((Long) engine.getProperty("maxSolves")).intValue()));
      }
      if (engines.isEmpty()) {
        throw new PipelineException("the engines file declares no engine", where,
            "add one: engines { [\"local\"] { address = \"docker://\" } }");
      }
      Object registry = ModelReader.nullable(module.getProperty("registry"));
      return new EngineFleet(engines, Optional.ofNullable((String) registry));
    } catch (PklException e) {
      throw errors.convert(e, abs, null);
    }
  }
}
