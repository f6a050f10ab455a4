package dev.kiln.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kiln.executor.EngineStatus;
import dev.kiln.executor.Executor;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kiln engine ls}: each engine of the fleet, reachable or not, its version, activity and cache. */
@Command(name = "ls", description = "List the engines Kiln runs on (the fleet's, else the one engine): reachable or"
    + " not, BuildKit version, cache records in use (running solves hold them), build cache size.",
    footerHeading = Kiln.EXAMPLES,
    footer = {
      "  # the fleet of .kiln/engines.pkl or ~/.config/kiln/engines.pkl",
      "  kiln engine ls",
      "  # two engines given on the command line, as JSON",
      "  kiln engine ls --engine docker:// --engine tcp://buildkitd:1234 --format json"
    })
final class EngineLsCommand implements Callable<Integer> {
  @Mixin EngineOptions engineOptions;

  @Mixin FormatOption format;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    List<EngineStatus> engines;
    try (Executor executor = engineOptions.executor().build()) {
      engines = executor.engines();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (format.json()) {
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(engines));
    } else {
      out.print(text(engines));
    }
    out.flush();
    // Listing is the point: an engine that does not answer is shown, not an error; none at all is.
    return engines.stream().anyMatch(EngineStatus::reachable) ? ExitCodes.OK : ExitCodes.ENGINE_UNREACHABLE;
  }

  static String text(List<EngineStatus> engines) {
    int name = Math.max(4, engines.stream().mapToInt(e -> e.name().length()).max().orElse(4));
    int address = Math.max(7, engines.stream().mapToInt(e -> e.address().length()).max().orElse(7));
    String row = "%-" + name + "s  %-" + address + "s  %-11s  %-9s  %6s  %s%n";
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, row, "NAME", "ADDRESS", "STATE", "BUILDKIT",
        "IN USE", "CACHE"));
    for (EngineStatus e : engines) {
      if (e.reachable()) {
        sb.append(String.format(Locale.ROOT, row, e.name(), e.address(), "reachable", e.buildkitVersion(),
            e.inUse(), EngineDuCommand.human(e.cacheBytes()) + " (" + e.cacheRecords() + " records)"));
      } else {
        sb.append(String.format(Locale.ROOT, row, e.name(), e.address(), "unreachable", "-", "-", "-"));
        sb.append("  ").append(e.problem().orElseThrow()).append('\n');
      }
    }
    return sb.toString();
  }
}
