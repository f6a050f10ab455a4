package dev.kiln.executor;

import dev.kiln.executor.auth.AuthService;
import dev.kiln.executor.auth.DockerCredentials;
import dev.kiln.executor.filesync.FileSyncService;
import dev.kiln.executor.secrets.SecretStore;
import dev.kiln.executor.secrets.SecretsService;
import io.grpc.ServerServiceDefinition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The session services a run offers the engine: registry credentials, the run's secrets, and the
 * plan's local sources, in the run's session and in each export's (an export is received by the
 * runner itself).
 */
final class ProjectSessionServices implements PlanRunner.SessionServices {
  private final DockerCredentials credentials;
  private final SecretStore secrets;

  ProjectSessionServices(DockerCredentials credentials, SecretStore secrets) {
    this.credentials = credentials;
    this.secrets = secrets;
  }

  @Override
  public List<ServerServiceDefinition> create(Map<String, Path> localDirs) {
    List<ServerServiceDefinition> services = new ArrayList<>();
    services.add(new AuthService(credentials).bindService());
    services.add(new SecretsService(secrets).bindService());
    if (!localDirs.isEmpty()) {
      services.add(new FileSyncService(localDirs).definition());
    }
    return services;
  }
}
