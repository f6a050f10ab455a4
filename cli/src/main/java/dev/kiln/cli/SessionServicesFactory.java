package dev.kiln.cli;

import dev.kiln.executor.PlanRunner;
import dev.kiln.executor.auth.AuthService;
import dev.kiln.executor.auth.DockerCredentials;
import io.grpc.BindableService;
import java.util.ArrayList;
import java.util.List;

/** The session services a run offers the engine. */
final class SessionServicesFactory {
  private SessionServicesFactory() {}

  static PlanRunner.SessionServices forProject() {
    DockerCredentials credentials = DockerCredentials.load(System.getenv());
    return (localDirs, exportTo) -> {
      if (!localDirs.isEmpty() || exportTo != null) {
        throw new dev.kiln.executor.SolveException("local sources and exports need the file sync services,"
            + " which this build does not include yet", null, null, List.of(), null, null);
      }
      List<BindableService> services = new ArrayList<>();
      services.add(new AuthService(credentials));
      return services;
    };
  }
}
