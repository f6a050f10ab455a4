package dev.kiln.executor;

import dev.kiln.executor.engine.BuildkitConnection;
import dev.kiln.executor.engine.CallPolicy;
import dev.kiln.executor.engine.CapsCache;
import dev.kiln.executor.engine.EngineConnector;
import dev.kiln.executor.engine.EngineInfo;
import dev.kiln.executor.engine.EngineProbe;
import dev.kiln.executor.engine.EngineTls;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The connection to one engine and its probe, started on a background thread before the executor
 * needs them, so that they overlap the pipeline's evaluation (on Docker 20.10 under load they took
 * 0.5-1 s of every run's start). A failure is thrown where the executor first asks, as if it had
 * connected then: an invalid pipeline is still exit 2 even when the engine is down.
 */
final class EngineAhead implements AutoCloseable {
  /** What the connection was opened for: the executor takes it only for the same engine. */
  record Target(String engine, EngineTls tls, Map<String, String> environment, CallPolicy calls, CapsCache caps) { }

  private final Target target;
  private final CompletableFuture<BuildkitConnection> connection = new CompletableFuture<>();
  private final CompletableFuture<EngineInfo> info = new CompletableFuture<>();

  private EngineAhead(Target target) {
    this.target = target;
  }

  /** Connects to {@code target}'s engine and probes it on a daemon thread. */
  static EngineAhead start(Target target) {
    EngineAhead ahead = new EngineAhead(target);
    Thread t = new Thread(ahead::open, "kiln-engine-ahead");
    t.setDaemon(true);
    t.start();
    return ahead;
  }

  private void open() {
    BuildkitConnection c;
    try {
      c = EngineConnector.connect(target.engine(), target.tls(), target.environment(), target.calls());
    } catch (RuntimeException | Error e) {
      connection.completeExceptionally(e);
      info.completeExceptionally(e);
      return;
    }
    connection.complete(c);
    try {
      info.complete(EngineProbe.probe(c, target.caps()));
    } catch (RuntimeException | Error e) {
      info.completeExceptionally(e);
    }
  }

  /** Whether this was started for {@code other}'s engine. */
  boolean isFor(Target other) {
    return target.equals(other);
  }

  /** The connection, once open; the caller owns it from then on. */
  BuildkitConnection connection() {
    return await(connection);
  }

  /** The engine's probe, once done. */
  EngineInfo info() {
    return await(info);
  }

  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /** Closes the connection when nobody took it (the run ended before it needed the engine). */
  @Override
  public void close() {
    connection.thenAccept(BuildkitConnection::close);
  }
}
