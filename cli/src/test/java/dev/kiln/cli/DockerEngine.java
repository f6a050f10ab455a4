package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.executor.engine.BuildkitConnection;
import dev.kiln.executor.engine.EngineConnector;
import dev.kiln.executor.engine.EngineInfo;
import dev.kiln.executor.engine.EngineProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The engine the CLI's end-to-end tests use: Docker's at /var/run/docker.sock, or the one {@code
 * $KILN_TEST_ENGINE} names (as the executor's tests read it), e.g. a standalone buildkitd's
 * {@code unix:///run/kiln-bk/buildkitd.sock}. Fail without it in CI, skip without it elsewhere.
 */
final class DockerEngine {
  /** {@code $KILN_TEST_ENGINE}, or null for Kiln's default discovery (Docker's socket here). */
  static final String ADDRESS = blankToNull(System.getenv("KILN_TEST_ENGINE"));

  private DockerEngine() {}

  static void require() {
    Path socket = ADDRESS == null ? Path.of("/var/run/docker.sock") : socketOf(ADDRESS);
    if (socket != null && !Files.exists(socket)) {
      String why = ADDRESS == null ? "no Docker daemon at /var/run/docker.sock (start one with: sudo scripts/engine-up.sh)"
          : "no engine at " + ADDRESS + " ($KILN_TEST_ENGINE)";
      if ("true".equals(System.getenv("CI"))) {
        fail(why);
      }
      assumeTrue(false, why);
    }
  }

  /** What the test engine is and can do, as Kiln probes it (once per test class that asks). */
  static EngineInfo info() {
    try (BuildkitConnection c = EngineConnector.connect(ADDRESS, System.getenv())) {
      return EngineProbe.probe(c);
    }
  }

  /** Whether the tests run on Docker's engine (the default), not on a standalone buildkitd. */
  static boolean docker() {
    return ADDRESS == null || ADDRESS.startsWith("docker://");
  }

  /**
   * The environment a Kiln run of the tests gets: the test's own, pointed at {@link #ADDRESS}
   * through {@code $BUILDKIT_HOST} (what Kiln reads when no {@code --engine} is given).
   */
  static Map<String, String> environment() {
    return with(System.getenv());
  }

  /** {@code env} pointed at {@link #ADDRESS}: for tests that give Kiln an environment of their own. */
  static Map<String, String> with(Map<String, String> env) {
    Map<String, String> out = new HashMap<>(env);
    pointAtEngine(out);
    return out;
  }

  /** Points {@code env} at {@link #ADDRESS}, if one is set. */
  static void pointAtEngine(Map<String, String> env) {
    if (ADDRESS != null) {
      env.put("BUILDKIT_HOST", ADDRESS);
    }
  }

  private static Path socketOf(String address) {
    for (String scheme : new String[] {"unix://", "docker://"}) {
      if (address.startsWith(scheme) && address.startsWith("/", scheme.length())) {
        return Path.of(address.substring(scheme.length()));
      }
    }
    return null;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
