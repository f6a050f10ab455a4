package dev.kiln.cli;

import dev.kiln.executor.PlanRunner;
import dev.kiln.executor.auth.AuthService;
import dev.kiln.executor.auth.DockerCredentials;
import dev.kiln.executor.filesync.FileSyncService;
import io.grpc.ServerServiceDefinition;
import java.util.ArrayList;
import java.util.List;

/** The session services a run offers the engine. */
final class SessionServicesFactory {
  private SessionServicesFactory() {}

  static PlanRunner.SessionServices forProject() {
    DockerCredentials credentials = DockerCredentials.load(System.getenv());
    return (localDirs, exportTo) -> {
      if (exportTo != null) {
        throw new dev.kiln.executor.SolveException("exports need the file send service,"
            + " which this build does not include yet", null, null, List.of(), null, null);
      }
      List<ServerServiceDefinition> services = new ArrayList<>();
      services.add(new AuthService(credentials).bindService());
      if (!localDirs.isEmpty()) {
        services.add(new FileSyncService(localDirs).definition());
      }
      return services;
    };
  }
}
