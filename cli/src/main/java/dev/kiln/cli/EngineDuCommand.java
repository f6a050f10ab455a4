package dev.kiln.cli;

import dev.kiln.executor.Executor;
import dev.kiln.executor.engine.EngineStorage;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kiln engine du}: how much build cache the engine holds. */
@Command(name = "du", description = "Show the engine's build cache usage.",
    footerHeading = Kiln.EXAMPLES,
    footer = {
      "  # how many cache records, their total and reclaimable sizes",
      "  kiln engine du",
      "  # the largest cache records",
      "  kiln engine du -v | head -20"
    })
final class EngineDuCommand implements Callable<Integer> {
  @Mixin EngineOptions engineOptions;

  @Option(names = {"-v", "--verbose"}, description = "List every cache record, largest first.")
  boolean verbose;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    List<EngineStorage.Usage> usage;
    try (Executor executor = engineOptions.executor().build()) {
      usage = executor.diskUsage();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (verbose) {
      out.printf(Locale.ROOT, "%-28s %-18s %10s  %s%n", "ID", "TYPE", "SIZE", "DESCRIPTION");
      usage.stream().sorted(Comparator.comparingLong(EngineStorage.Usage::size).reversed()).forEach(u ->
          out.printf(Locale.ROOT, "%-28s %-18s %10s  %s%s%n", shortId(u.id()), u.type(), human(u.size()),
              u.description(), u.inUse() ? " (in use)" : ""));
    }
    long total = usage.stream().filter(u -> !u.shared()).mapToLong(EngineStorage.Usage::size).sum();
    long reclaimable = usage.stream().filter(u -> !u.inUse() && !u.shared()).mapToLong(EngineStorage.Usage::size).sum();
    out.printf(Locale.ROOT, "Records:      %d%nTotal:        %s%nReclaimable:  %s%n", usage.size(), human(total),
        human(reclaimable));
    out.flush();
    return ExitCodes.OK;
  }

  private static String shortId(String id) {
    return id.length() > 26 ? id.substring(0, 25) + "…" : id;
  }

  static String human(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
