package dev.kiln.cli;

import dev.kiln.model.FunctionRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --plugins DIR}: jars of Java functions besides Kiln's own and the project's {@code .kiln/plugins/}. */
final class PluginOptions {
  @Option(names = "--plugins", paramLabel = "DIR",
      description = "A directory of function plugin jars, besides the project's .kiln/plugins/; repeatable.")
  List<Path> dirs = new ArrayList<>();

  /**
   * The functions a pipeline in {@code projectRoot} may call: Kiln's, {@code .kiln/plugins/*.jar}'s
   * and those of the {@code --plugins} directories.
   *
   * @throws dev.kiln.model.PipelineException when a plugin cannot be loaded or names clash
   */
  FunctionRegistry registry(Path projectRoot) {
    List<Path> all = new ArrayList<>(dirs);
    all.add(projectRoot.resolve(FunctionRegistry.PROJECT_PLUGINS));
    return FunctionRegistry.load(all);
  }
}
