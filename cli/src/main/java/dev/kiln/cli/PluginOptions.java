package dev.kiln.cli;

import dev.kiln.model.FunctionRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --plugins DIR}: jars of Java functions besides Kiln's own and the project's {@code .kiln/plugins/};
 * {@code --trust}: let the project's own jars and secret commands run (see {@link Trust}).
 */
final class PluginOptions {
  @Option(names = "--plugins", paramLabel = "DIR",
      description = "A directory of function plugin jars, besides the project's .kiln/plugins/; repeatable.")
  List<Path> dirs = new ArrayList<>();

  @Option(names = "--trust", description = "Let this project's plugin jars (.kiln/plugins/) and cmdSecret"
      + " commands run on this machine (as KILN_TRUST=1 does; `kiln trust` remembers a project).")
  boolean trust;

  /** Where {@link Trust} reads {@code KILN_TRUST} and the user's configuration; tests replace it. */
  Map<String, String> environment = System.getenv();

  /** What {@code projectRoot} may run on this machine. */
  Trust trust(Path projectRoot) {
    return Trust.of(trust, environment, projectRoot);
  }

  /**
   * The functions a pipeline in {@code projectRoot} may call: Kiln's, the trusted jars of
   * {@code .kiln/plugins/} and those of the {@code --plugins} directories.
   *
   * @throws dev.kiln.model.PipelineException when a project jar is not trusted, a plugin cannot be
   *     loaded or names clash
   */
  FunctionRegistry registry(Path projectRoot) {
    return FunctionRegistry.load(dirs, projectRoot, trust(projectRoot).plugins());
  }
}
