package dev.kiln.cli;

import dev.kiln.executor.PlanRunner;
import dev.kiln.executor.auth.AuthService;
import dev.kiln.executor.auth.DockerCredentials;
import dev.kiln.executor.filesync.FileSendService;
import dev.kiln.executor.secrets.SecretStore;
import dev.kiln.executor.secrets.SecretsService;
import dev.kiln.executor.filesync.FileSyncService;
import io.grpc.ServerServiceDefinition;
import java.util.ArrayList;
import java.util.List;

/** The session services a run offers the engine. */
final class SessionServicesFactory {
  private SessionServicesFactory() {}

  static PlanRunner.SessionServices forProject(SecretStore secrets) {
    DockerCredentials credentials = DockerCredentials.load(System.getenv());
    return (localDirs, exportTo) -> {
      List<ServerServiceDefinition> services = new ArrayList<>();
      services.add(new AuthService(credentials).bindService());
      services.add(new SecretsService(secrets).bindService());
      if (exportTo != null) {
        services.add(new FileSendService(exportTo).bindService());
      }
      if (!localDirs.isEmpty()) {
        services.add(new FileSyncService(localDirs).definition());
      }
      return services;
    };
  }
}
