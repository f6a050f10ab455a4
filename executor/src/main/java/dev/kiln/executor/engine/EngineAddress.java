package dev.kiln.executor.engine;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Where a BuildKit engine listens: the Docker daemon's embedded BuildKit ({@code docker://}), or a
 * standalone buildkitd on a Unix socket ({@code unix://}) or TCP ({@code tcp://}).
 *
 * @param kind which engine and transport
 * @param socket the Unix socket path for {@code DOCKER} and {@code UNIX}, else null
 * @param host the host for {@code TCP}, else null
 * @param port the port for {@code TCP}, else 0
 */
public record EngineAddress(Kind kind, Path socket, String host, int port) {
  /** The default Docker socket. */
  public static final Path DOCKER_SOCKET = Path.of("/var/run/docker.sock");
  /** The default standalone buildkitd socket. */
  public static final Path BUILDKITD_SOCKET = Path.of("/run/buildkit/buildkitd.sock");

  /** The kinds of engine Kiln talks to. */
  public enum Kind {
    DOCKER,
    UNIX,
    TCP
  }

  public EngineAddress {
    Objects.requireNonNull(kind, "kind");
    if (kind == Kind.TCP ? host == null || port <= 0 || port > 65535 : socket == null) {
      throw new IllegalArgumentException("incomplete engine address for " + kind);
    }
  }

  /**
   * Parses {@code docker://[/path]}, {@code unix:///path} or {@code tcp://host:port}.
   *
   * @throws IllegalArgumentException with a message fit for the user
   */
  public static EngineAddress parse(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.trim();
    if (t.equals("docker://") || t.equals("docker")) {
      return new EngineAddress(Kind.DOCKER, DOCKER_SOCKET, null, 0);
    }
    if (t.startsWith("docker://")) {
      String rest = t.substring("docker://".length());
      // docker://unix:///path is how some tools spell it; accept both.
      if (rest.startsWith("unix://")) {
        rest = rest.substring("unix://".length());
      }
      return new EngineAddress(Kind.DOCKER, socketPath(rest, text), null, 0);
    }
    if (t.startsWith("unix://")) {
      return new EngineAddress(Kind.UNIX, socketPath(t.substring("unix://".length()), text), null, 0);
    }
    if (t.startsWith("tcp://")) {
      URI uri;
      try {
        uri = URI.create(t);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid engine address '" + text + "': " + e.getMessage());
      }
      if (uri.getHost() == null || uri.getPort() <= 0) {
        throw new IllegalArgumentException(
            "invalid engine address '" + text + "': expected tcp://host:port");
      }
      return new EngineAddress(Kind.TCP, null, uri.getHost(), uri.getPort());
    }
    throw new IllegalArgumentException(
        "unsupported engine address '" + text
            + "': use docker://[/path/docker.sock], unix:///path/buildkitd.sock or tcp://host:port");
  }

  private static Path socketPath(String path, String original) {
    if (path.isEmpty()) {
      return DOCKER_SOCKET;
    }
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException(
          "invalid engine address '" + original + "': the socket path must be absolute");
    }
    return Path.of(path);
  }

  /**
   * The addresses to try, in order: the flag, then {@code $BUILDKIT_HOST}, then the standalone
   * buildkitd socket if it exists, then {@code $DOCKER_HOST} or the default Docker socket.
   */
  public static List<EngineAddress> candidates(String flag, Map<String, String> env) {
    List<EngineAddress> out = new ArrayList<>();
    for (Candidate c : discover(flag, env, Files::exists)) {
      if (c.skipped() == null) {
        out.add(c.address());
      }
    }
    return out;
  }

  /**
   * One step of engine discovery: where an address came from and, when it was not tried, why.
   *
   * @param origin where the address came from, e.g. {@code --engine} or {@code $BUILDKIT_HOST}
   * @param text the address as written
   * @param address the parsed address, or null when {@code text} is not a valid address
   * @param skipped why the address is not tried, or null when it is
   */
  public record Candidate(String origin, String text, EngineAddress address, String skipped) {
    /** How this step reads in an error message. */
    public String describe() {
      return text + " (" + origin + ")" + (skipped == null ? "" : ": " + skipped);
    }
  }

  /**
   * Every step of engine discovery, in order, including the ones skipped: the {@code --engine}
   * flag, else {@code $BUILDKIT_HOST}, else the standalone buildkitd socket (when it exists), then
   * the Docker daemon at {@code $DOCKER_HOST} (a {@code unix://} address) or the default socket.
   * An explicit flag or {@code $BUILDKIT_HOST} is the only candidate: a user who names an engine
   * means that engine.
   *
   * @param exists tells whether a socket file exists (tests pass their own)
   */
  public static List<Candidate> discover(String flag, Map<String, String> env, Predicate<Path> exists) {
    List<Candidate> out = new ArrayList<>();
    if (flag != null && !flag.isBlank()) {
      out.add(explicit("--engine", flag));
      return out;
    }
    String buildkitHost = env.get("BUILDKIT_HOST");
    if (buildkitHost != null && !buildkitHost.isBlank()) {
      out.add(explicit("$BUILDKIT_HOST", buildkitHost));
      return out;
    }
    EngineAddress buildkitd = new EngineAddress(Kind.UNIX, BUILDKITD_SOCKET, null, 0);
    out.add(new Candidate("default buildkitd socket", buildkitd.toString(), buildkitd,
        exists.test(BUILDKITD_SOCKET) ? null : "no socket there"));
    String dockerHost = env.get("DOCKER_HOST");
    if (dockerHost != null && !dockerHost.isBlank()) {
      if (dockerHost.startsWith("unix://") && dockerHost.length() > "unix://".length()) {
        try {
          EngineAddress docker = parse("docker://" + dockerHost.substring("unix://".length()));
          out.add(new Candidate("$DOCKER_HOST", dockerHost, docker, null));
        } catch (IllegalArgumentException e) {
          out.add(new Candidate("$DOCKER_HOST", dockerHost, null, e.getMessage()));
        }
      } else {
        // Docker over TCP needs TLS and the API's own framing; Kiln reaches only local daemons.
        out.add(new Candidate("$DOCKER_HOST", dockerHost, null,
            "only unix:// Docker hosts are supported; use --engine for a remote buildkitd"));
      }
      return out;
    }
    EngineAddress docker = new EngineAddress(Kind.DOCKER, DOCKER_SOCKET, null, 0);
    out.add(new Candidate("default Docker socket", docker.toString(), docker, null));
    return out;
  }

  private static Candidate explicit(String origin, String text) {
    try {
      return new Candidate(origin, text, parse(text), null);
    } catch (IllegalArgumentException e) {
      return new Candidate(origin, text, null, e.getMessage());
    }
  }

  @Override
  public String toString() {
    return switch (kind) {
      case DOCKER -> "docker://" + socket;
      case UNIX -> "unix://" + socket;
      case TCP -> "tcp://" + host + ":" + port;
    };
  }
}
