package dev.kiln.cli;

import dev.kiln.evaluator.PklPackages;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kiln deps resolve}: pins the packages of the project's PklProject in {@code
 * PklProject.deps.json} and downloads them, checksum-checked, into {@code .kiln/packages/}, from
 * which every later evaluation reads them offline.
 */
@Command(name = "resolve", description = "Pin the PklProject's packages (and theirs) in PklProject.deps.json"
    + " and download them into .kiln/packages/; evaluation then reads them offline. A version already"
    + " pinned must keep its checksum.",
    footerHeading = Kiln.EXAMPLES,
    footer = {
      "  # after adding or upgrading a package (then commit PklProject.deps.json)",
      "  kiln deps resolve",
      "  # the project of another pipeline",
      "  kiln deps resolve -f services/api/pipeline.pkl"
    })
final class DepsResolveCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-f", "--file"}, paramLabel = "FILE",
      description = "The pipeline whose directory holds the PklProject (default: pipeline.pkl).")
  Path file = Path.of("pipeline.pkl");

  @Option(names = "--ca-cert", paramLabel = "PEM",
      description = "Trust only these CA certificates (PEM) for package servers, instead of the JVM's.")
  List<Path> caCerts = new ArrayList<>();

  @Option(names = "--editor-cache",
      description = "Also copy the packages into Pkl's own cache (~/.pkl/cache), where the Pkl editors read them.")
  boolean editorCache;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Connect and request timeout per download (default: 30s).")
  Duration timeout = Duration.ofSeconds(30);

  @Override
  public Integer call() {
    Path project = file.toAbsolutePath().normalize().getParent();
    Map<String, String> env = Kiln.environment(spec);
    Path editor = editorCache ? Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".pkl", "cache")
        : null;
    List<PklPackages.Pinned> pinned = PklPackages.resolve(project, new PklPackages.Network(caCerts, timeout), editor);
    PrintWriter out = spec.commandLine().getOut();
    out.println("kiln deps: " + pinned.size() + " package" + (pinned.size() == 1 ? "" : "s")
        + " pinned in PklProject.deps.json" + (editor != null ? " (also in " + editor + ")" : ""));
    for (PklPackages.Pinned p : pinned) {
      out.println("  " + p.uri() + (p.remote() ? "  sha256:" + p.sha256() : "  (local)"));
    }
    out.flush();
    return ExitCodes.OK;
  }
}
