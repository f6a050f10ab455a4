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
 * Where a BuildKit engine listens and how it is reached: the Docker daemon's embedded BuildKit on
 * its socket ({@code docker://}) or on TCP ({@code docker://tcp://host:port}), a standalone
 * buildkitd on a Unix socket ({@code unix://}) or TCP ({@code tcp://}), or a buildkitd in a
 * Kubernetes pod ({@code kube-pod://}). TCP may carry TLS ({@link EngineTls}).
 *
 * @param kind which engine and transport
 * @param socket the Unix socket path for {@code DOCKER} and {@code UNIX}, else null
 * @param host the host for {@code TCP} and {@code DOCKER_TCP}, else null
 * @param port the port for {@code TCP} and {@code DOCKER_TCP}, else 0
 * @param tls the TLS settings for {@code TCP} and {@code DOCKER_TCP}, or null for plain TCP
 * @param pod the pod for {@code KUBE_POD}, else null
 */
public record EngineAddress(Kind kind, Path socket, String host, int port, EngineTls tls, KubePod pod) {
  /** The default Docker socket. */
  public static final Path DOCKER_SOCKET = Path.of("/var/run/docker.sock");
  /** The default standalone buildkitd socket. */
  public static final Path BUILDKITD_SOCKET = Path.of("/run/buildkit/buildkitd.sock");
  /** The TLS keys an address's query may hold ({@code tcp://host:port?cacert=...}). */
  private static final List<String> TLS_KEYS = List.of("cacert", "cert", "key", "servername", "tlsdir");

  /** The kinds of engine Kiln talks to. */
  public enum Kind {
    /** Docker's API on a Unix socket. */
    DOCKER,
    /** Docker's API on TCP, with or without TLS. */
    DOCKER_TCP,
    /** A buildkitd on a Unix socket. */
    UNIX,
    /** A buildkitd on TCP, with or without TLS. */
    TCP,
    /** A buildkitd in a Kubernetes pod, through {@code kubectl exec ... buildctl dial-stdio}. */
    KUBE_POD
  }

  public EngineAddress {
    Objects.requireNonNull(kind, "kind");
    boolean tcp = kind == Kind.TCP || kind == Kind.DOCKER_TCP;
    if (tcp ? host == null || port <= 0 || port > 65535 : kind == Kind.KUBE_POD ? pod == null : socket == null) {
      throw new IllegalArgumentException("incomplete engine address for " + kind);
    }
    if (tls != null && !tcp) {
      throw new IllegalArgumentException("TLS settings apply to tcp:// engines only, not to " + kind.name().toLowerCase(
          java.util.Locale.ROOT).replace('_', '-') + " ones");
    }
  }

  /** An address without TLS or pod. */
  public EngineAddress(Kind kind, Path socket, String host, int port) {
    this(kind, socket, host, port, null, null);
  }

  /** Whether Docker's API is in front of the engine (its /grpc and /session upgrades). */
  public boolean docker() {
    return kind == Kind.DOCKER || kind == Kind.DOCKER_TCP;
  }

  /** Whether the engine is on TCP. */
  public boolean tcp() {
    return kind == Kind.TCP || kind == Kind.DOCKER_TCP;
  }

  /** This address with {@code settings} (null: plain TCP). */
  public EngineAddress withTls(EngineTls settings) {
    return new EngineAddress(kind, socket, host, port, settings, pod);
  }

  /**
   * Parses {@code docker://[/path]}, {@code docker://tcp://host:port}, {@code unix:///path},
   * {@code tcp://host:port} or {@code kube-pod://[NAMESPACE/]POD}. A TCP address may carry its TLS
   * settings as a query: {@code ?cacert=FILE&cert=FILE&key=FILE&servername=NAME} or
   * {@code ?tlsdir=DIR}. {@code kube-pod://} runs {@code kubectl}.
   *
   * @throws IllegalArgumentException with a message fit for the user
   */
  public static EngineAddress parse(String text) {
    return parse(text, "kubectl");
  }

  /** Like {@link #parse(String)}; {@code kube-pod://} runs {@code kubectl} (a path or a command name). */
  public static EngineAddress parse(String text, String kubectl) {
    Objects.requireNonNull(text, "text");
    String t = text.trim();
    if (t.equals("docker://") || t.equals("docker")) {
      return new EngineAddress(Kind.DOCKER, DOCKER_SOCKET, null, 0);
    }
    if (t.startsWith("docker://tcp://")) {
      return tcp(Kind.DOCKER_TCP, t.substring("docker://".length()), text);
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
      return tcp(Kind.TCP, t, text);
    }
    if (t.startsWith("kube-pod://")) {
      try {
        return new EngineAddress(Kind.KUBE_POD, null, null, 0, null,
            KubePod.parse(t.substring("kube-pod://".length()), kubectl));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid engine address '" + text + "': " + e.getMessage());
      }
    }
    throw new IllegalArgumentException(
        "unsupported engine address '" + text + "': use docker://[/path/docker.sock], docker://tcp://host:port,"
            + " unix:///path/buildkitd.sock, tcp://host:port or kube-pod://[NAMESPACE/]POD");
  }

  private static EngineAddress tcp(Kind kind, String t, String text) {
    int q = t.indexOf('?');
    URI uri;
    try {
      uri = URI.create(q < 0 ? t : t.substring(0, q));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid engine address '" + text + "': " + e.getMessage());
    }
    if (uri.getHost() == null || uri.getPort() <= 0 || !(uri.getPath() == null || uri.getPath().isEmpty())) {
      throw new IllegalArgumentException(
          "invalid engine address '" + text + "': expected tcp://host:port");
    }
    EngineTls tls = null;
    if (q >= 0) {
      try {
        Map<String, String> o = query(t.substring(q + 1), TLS_KEYS);
        tls = EngineTls.of(path(o.get("tlsdir")), path(o.get("cacert")), path(o.get("cert")), path(o.get("key")),
            o.get("servername"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid engine address '" + text + "': " + e.getMessage());
      }
    }
    String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
    return new EngineAddress(kind, null, host, uri.getPort(), tls, null);
  }

  private static Path path(String s) {
    return s == null ? null : Path.of(s);
  }

  /** The {@code key=value} pairs of a query (percent-decoded); a key not in {@code allowed} is an error. */
  static Map<String, String> query(String query, List<String> allowed) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (!allowed.contains(key)) {
        throw new IllegalArgumentException("unknown option '" + key + "' (known: " + String.join(", ", allowed) + ")");
      }
      out.put(key, java.net.URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
    }
    return out;
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
   * the Docker daemon at {@code $DOCKER_HOST} ({@code unix://} or {@code tcp://}) or the default
   * socket. An explicit flag or {@code $BUILDKIT_HOST} is the only candidate: a user who names an
   * engine means that engine.
   *
   * @param exists tells whether a socket file exists (tests pass their own)
   */
  public static List<Candidate> discover(String flag, Map<String, String> env, Predicate<Path> exists) {
    return discover(flag, null, env, exists);
  }

  /**
   * Like {@link #discover(String, Map, Predicate)}, with the TLS settings of Kiln's flags. A TCP
   * engine's TLS settings are the address's own ({@code ?cacert=...}), else the flags', else
   * {@code $KILN_ENGINE_TLS_*}, else for Docker {@code $DOCKER_TLS_VERIFY} with
   * {@code $DOCKER_CERT_PATH}; without any, the connection is plain TCP.
   *
   * @param flagTls the {@code --tls*} flags' settings, or null
   */
  public static List<Candidate> discover(String flag, EngineTls flagTls, Map<String, String> env,
      Predicate<Path> exists) {
    List<Candidate> out = new ArrayList<>();
    if (flag != null && !flag.isBlank()) {
      out.add(explicit("--engine", flag, flagTls, env));
      return out;
    }
    String buildkitHost = env.get("BUILDKIT_HOST");
    if (buildkitHost != null && !buildkitHost.isBlank()) {
      out.add(explicit("$BUILDKIT_HOST", buildkitHost, flagTls, env));
      return out;
    }
    EngineAddress buildkitd = new EngineAddress(Kind.UNIX, BUILDKITD_SOCKET, null, 0);
    out.add(new Candidate("default buildkitd socket", buildkitd.toString(), buildkitd,
        exists.test(BUILDKITD_SOCKET) ? null : "no socket there"));
    String dockerHost = env.get("DOCKER_HOST");
    if (dockerHost != null && !dockerHost.isBlank()) {
      String d = dockerHost.trim();
      if (d.startsWith("unix://") && d.length() > "unix://".length() || d.startsWith("tcp://")) {
        out.add(explicit("$DOCKER_HOST", "docker://" + (d.startsWith("unix://") ? d.substring("unix://".length()) : d),
            flagTls, env));
      } else {
        out.add(new Candidate("$DOCKER_HOST", dockerHost, null,
            "only unix:// and tcp:// Docker hosts are supported; use --engine for another engine"));
      }
      return out;
    }
    EngineAddress docker = new EngineAddress(Kind.DOCKER, DOCKER_SOCKET, null, 0);
    out.add(new Candidate("default Docker socket", docker.toString(), docker, null));
    return out;
  }

  private static Candidate explicit(String origin, String text, EngineTls flagTls, Map<String, String> env) {
    try {
      EngineAddress a = parse(text, env.getOrDefault("KUBECTL", "kubectl"));
      if (!a.tcp()) {
        if (flagTls != null) {
          throw new IllegalArgumentException("--tls* options apply to tcp:// engines only");
        }
        return new Candidate(origin, text, a, null);
      }
      EngineTls tls = a.tls() != null ? a.tls() : flagTls != null ? flagTls : EngineTls.fromEnvironment(env);
      if (tls == null && a.docker()) {
        tls = EngineTls.fromDockerEnvironment(env);
      }
      return new Candidate(origin, text, a.withTls(tls), null);
    } catch (IllegalArgumentException e) {
      return new Candidate(origin, text, null, e.getMessage());
    }
  }

  @Override
  public String toString() {
    return switch (kind) {
      case DOCKER -> "docker://" + socket;
      case UNIX -> "unix://" + socket;
      case TCP -> "tcp://" + hostPort();
      case DOCKER_TCP -> "docker://tcp://" + hostPort();
      case KUBE_POD -> pod.toString();
    };
  }

  private String hostPort() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
