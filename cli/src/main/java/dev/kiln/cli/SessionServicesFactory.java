package dev.kiln.cli;

import dev.kiln.executor.PlanRunner;
import java.util.List;

/** The session services a run offers the engine. */
final class SessionServicesFactory {
  private SessionServicesFactory() {}

  static PlanRunner.SessionServices forProject() {
    return (localDirs, exportTo) -> {
      if (!localDirs.isEmpty() || exportTo != null) {
        throw new dev.kiln.executor.SolveException("local sources and exports need the file sync services,"
            + " which this build does not include yet", null, null, List.of(), null, null);
      }
      return List.of();
    };
  }
}
