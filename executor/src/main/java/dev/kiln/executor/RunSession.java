package dev.kiln.executor;

import dev.kiln.executor.engine.BuildkitConnection;
import dev.kiln.executor.engine.Session;
import io.grpc.ServerServiceDefinition;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The one session a run's solves share, opened by the first solve: it serves every host directory
 * of the plan, the run's secrets, registry credentials and local caches. Sharing it makes a host
 * directory's local source the same step in every task that reads it (its digest names the
 * session), so the engine transfers it once per run, and concurrent tasks wait for that one
 * transfer instead of each syncing the directory again; it also spares each solve a session of its
 * own. Solves that receive files (exports, inputs) still need a session of their own, since the
 * engine sends a solve's files to its session's receiver, with no name to tell two apart.
 */
final class RunSession implements AutoCloseable {
  private final BuildkitConnection connection;
  private final PlanRunner.SessionServices services;
  private final Map<String, Path> dirs;
  private final String sharedKey;
  private final Optional<ServerServiceDefinition> contentStore;
  private Session session;

  /** @param dirs the host directories of the run's plan that may be sent, by local source name */
  RunSession(BuildkitConnection connection, PlanRunner.SessionServices services, Map<String, Path> dirs,
      String sharedKey, Optional<ServerServiceDefinition> contentStore) {
    this.connection = connection;
    this.services = services;
    this.dirs = Map.copyOf(dirs);
    this.sharedKey = sharedKey;
    this.contentStore = contentStore;
  }

  /** The session, opened now when it is not (or no longer) open. */
  synchronized Session get() throws IOException {
    if (session == null || !session.isOpen()) {
      if (session != null) {
        session.close();
      }
      session = open("kiln", dirs, null);
    }
    return session;
  }

  /**
   * A session of a solve's own for {@code receiver}, with the run's secrets, registry credentials
   * and local caches, and the plan's host directories too: the local sources name {@link #get()}'s
   * session, but BuildKit v0.8 (Docker 20.10) pulls them through the sessions of the solves that
   * need them, so an export that is the first to read a directory sends it through its own.
   */
  Session forReceiver(String name, ServerServiceDefinition receiver) throws IOException {
    return open(name, dirs, receiver);
  }

  /**
   * A session of a service's own, serving its host directories {@code dirs}, with the run's secrets,
   * registry credentials and local caches: a service outlives the solves of the task that started it.
   */
  Session forService(String name, Map<String, Path> dirs) throws IOException {
    return open(name, dirs, null);
  }

  private Session open(String name, Map<String, Path> localDirs, ServerServiceDefinition receiver)
      throws IOException {
    Session.Builder sb = Session.builder().name(name).sharedKey(sharedKey);
    services.create(localDirs).forEach(sb::addService);
    if (receiver != null) {
      sb.addService(receiver);
    }
    contentStore.ifPresent(sb::addService);
    return sb.start(connection);
  }

  @Override
  public synchronized void close() {
    if (session != null) {
      session.close();
      session = null;
    }
  }
}
