package dev.kiln.executor.engine;

import dev.kiln.executor.EngineUnavailableException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Finds an engine: tries each candidate address in order and reports every failure together. */
public final class EngineConnector {
  private EngineConnector() {}

  /**
   * Connects to the first engine that answers.
   *
   * @param flag the {@code --engine} value, or null
   * @param env the environment ({@code BUILDKIT_HOST}, {@code DOCKER_HOST})
   * @throws EngineUnavailableException listing every address tried, when none answers
   */
  public static BuildkitConnection connect(String flag, Map<String, String> env) {
    return connect(flag, env, CallPolicy.DEFAULT);
  }

  /** Like {@link #connect(String, Map)}; the engine's calls get {@code policy}'s deadlines. */
  public static BuildkitConnection connect(String flag, Map<String, String> env, CallPolicy policy) {
    return connect(flag, null, env, policy);
  }

  /**
   * Like {@link #connect(String, Map, CallPolicy)}, with the TLS settings of Kiln's {@code --tls*}
   * flags (null: none given) for a TCP engine.
   */
  public static BuildkitConnection connect(String flag, EngineTls flagTls, Map<String, String> env,
      CallPolicy policy) {
    List<String> attempts = new ArrayList<>();
    IOException last = null;
    String invalid = null;
    for (EngineAddress.Candidate c : EngineAddress.discover(flag, flagTls, env, Files::exists)) {
      if (c.skipped() != null) {
        attempts.add(c.describe());
        if (c.address() == null) {
          invalid = c.origin();
        }
        continue;
      }
      try {
        return BuildkitConnection.open(c.address(), policy);
      } catch (IOException e) {
        last = e;
        attempts.add(c.describe() + ": " + describe(e));
      }
    }
    if (invalid != null) {
      throw new EngineUnavailableException("no BuildKit engine answered", attempts,
          invalid.equals("$DOCKER_HOST")
              ? "point $DOCKER_HOST at unix:///var/run/docker.sock or tcp://HOST:2376, or pass --engine ADDR"
              : "correct " + invalid + ": docker://[/path/docker.sock], docker://tcp://host:port,"
                  + " unix:///path/buildkitd.sock, tcp://host:port or kube-pod://[NAMESPACE/]POD",
          last);
    }
    if (last instanceof EngineTlsException tls && attempts.size() == 1) {
      throw new EngineUnavailableException("no secure connection to the engine", attempts, tls.hint(), last);
    }
    if (last instanceof Dialer.NoAnswerException) {
      throw new EngineUnavailableException("no BuildKit engine answered", attempts,
          "an engine takes connections there but does not answer: its process may be stopped (SIGSTOP) or hung;"
              + " check it, or restart it",
          last);
    }
    throw new EngineUnavailableException("no BuildKit engine answered", attempts,
        "start one with `sudo scripts/engine-up.sh` (Docker with its embedded BuildKit) or run `dockerd` "
            + "or `buildkitd`, then pass --engine ADDR or set BUILDKIT_HOST",
        last);
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    if (e instanceof SocketException && m != null && m.contains("No such file")) {
      return "no socket there";
    }
    if (m != null && m.contains("Connection refused")) {
      return "connection refused (is the daemon running?)";
    }
    if (m != null && m.contains("Permission denied")) {
      return "permission denied (run as root or join the socket's group)";
    }
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
