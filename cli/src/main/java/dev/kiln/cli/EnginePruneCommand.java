package dev.kiln.cli;

import dev.kiln.executor.Executor;
import dev.kiln.executor.engine.EngineStorage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kiln engine prune}: removes the engine's build cache. */
@Command(name = "prune", description = "Remove build cache from the engine (cache volumes included).",
    footerHeading = Kiln.EXAMPLES,
    footer = {
      "  # what the engine considers unused",
      "  kiln engine prune",
      "  # keep what was used in the last day",
      "  kiln engine prune --keep-duration 24h",
      "  # everything, cache volumes included",
      "  kiln engine prune --all"
    })
final class EnginePruneCommand implements Callable<Integer> {
  @Mixin EngineOptions engineOptions;

  @Option(names = "--all", description = "Remove all cache, not only what the engine considers unused.")
  boolean all;

  @Option(names = "--keep-duration", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Keep cache used within DURATION (e.g. 30m, 24h, 7d).")
  Duration keepDuration;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    List<EngineStorage.Usage> removed;
    try (Executor executor = engineOptions.executor().build()) {
      removed = executor.prune(all, keepDuration);
    }
    long freed = removed.stream().filter(u -> !u.shared()).mapToLong(EngineStorage.Usage::size).sum();
    spec.commandLine().getOut().println("Removed " + removed.size() + " records, freed " + EngineDuCommand.human(freed));
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
