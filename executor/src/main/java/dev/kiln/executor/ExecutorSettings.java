package dev.kiln.executor;

import dev.kiln.executor.engine.CallPolicy;
import dev.kiln.executor.engine.CapsCache;
import dev.kiln.executor.engine.EngineTls;
import dev.kiln.model.EngineFleet;
import dev.kiln.model.FunctionRegistry;
import dev.kiln.model.RemoteCache;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What an {@link ExecutorBuilder} configured, fixed for one executor (see the builder's setters).
 *
 * @param fleet the engines to spread tasks over, or null for one engine ({@code engine})
 */
record ExecutorSettings(String engine, Map<String, String> environment, CapsCache capsCache, CallPolicy calls,
    Path projectRoot, int parallel, boolean keepGoing, List<RemoteCache> cacheImports, List<RemoteCache> cacheExports,
    Supplier<FunctionRegistry> functions, Duration callTimeout, Consumer<String> warnings, Consumer<String> phases,
    boolean cancelOnShutdown, List<Path> kilnFiles, EngineTls engineTls, EngineFleet fleet) {

  ExecutorSettings {
    kilnFiles = List.copyOf(kilnFiles);
    environment = Map.copyOf(environment);
    cacheImports = List.copyOf(cacheImports);
    cacheExports = List.copyOf(cacheExports);
  }
}
