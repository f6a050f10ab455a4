package dev.kiln.cli;

import dev.kiln.model.FunctionRegistry;
import dev.kiln.model.Pipeline;
import dev.kiln.model.Secret;
import dev.kiln.model.SecretSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kiln trust}: remembers, on this machine, that the user trusts a project's plugin jars (by
 * checksum) and its pipeline's secret commands (by text), so that they run without {@code --trust};
 * {@code --revoke} forgets the project. See {@link Trust}.
 */
@Command(name = "trust", description = "Trust this project's plugin jars (.kiln/plugins/, by checksum) and its"
    + " cmdSecret commands (by text) on this machine; a changed jar or command needs trusting again.",
    footerHeading = Kiln.EXAMPLES,
    footer = {
      "  # the plugin jars and secret commands of ./pipeline.pkl's project",
      "  kiln trust",
      "  # of another pipeline's project",
      "  kiln trust -f services/api/pipeline.pkl",
      "  # forget what was trusted in this project",
      "  kiln trust --revoke"
    })
final class TrustCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--revoke", description = "Forget what was trusted in this project.")
  boolean revoke;

  @Mixin PipelineOptions options;

  @Override
  public Integer call() throws IOException {
    Path file = options.file(); // the pipeline whose secret commands to trust
    Path project = file.toAbsolutePath().normalize().getParent();
    TrustStore store = TrustStore.forUser(options.plugins.environment);
    PrintWriter out = spec.commandLine().getOut();
    if (revoke) {
      store.put(project, TrustStore.Entry.NONE);
      out.println("kiln trust: nothing trusted any more in " + project);
      out.flush();
      return ExitCodes.OK;
    }
    Map<String, String> plugins = new TreeMap<>();
    for (Path dir : FunctionRegistry.projectPlugins(project)) {
      for (Path jar : FunctionRegistry.jars(dir)) {
        plugins.put(jar.getFileName().toString(), Trust.sha256(jar));
      }
    }
    options.plugins.trust = true; // the user asks to trust the jars: evaluation may load them
    Pipeline pipeline = options.evaluator(file).evaluate(file);
    Set<String> commands = new TreeSet<>();
    Map<String, String> secretOf = new TreeMap<>();
    for (Secret s : pipeline.secretDeclarations()) {
      if (s.source() instanceof SecretSource.Command c && commands.add(c.command())) {
        secretOf.put(c.command(), s.name());
      }
    }
    store.put(project, new TrustStore.Entry(plugins, commands));
    out.println("kiln trust: " + project + " (in " + store.file() + ")");
    plugins.forEach((jar, sha) -> out.println("  plugin " + FunctionRegistry.PROJECT_PLUGINS.resolve(jar)
        + " sha256:" + sha.substring(0, 16)));
    commands.forEach(c -> out.println("  command `" + c + "` (secret `" + secretOf.get(c) + "`)"));
    if (plugins.isEmpty() && commands.isEmpty()) {
      out.println("  nothing to trust: no plugin jars in .kiln/plugins/ and no cmdSecret");
    }
    out.flush();
    return ExitCodes.OK;
  }
}
