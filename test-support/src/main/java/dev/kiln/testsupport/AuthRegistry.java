package dev.kiln.testsupport;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A second, authenticated registry for end-to-end tests: Debian's {@code docker-registry} with
 * htpasswd (bcrypt, from apache2-utils' {@code htpasswd}) on a free loopback port, which Docker's
 * daemon and its BuildKit reach over plain HTTP (127.0.0.0/8 registries are insecure-allowed).
 * Everything it writes, the storage included, is in one temporary directory, removed on close
 * with the registry process.
 */
public final class AuthRegistry implements AutoCloseable {
  private static final String REGISTRY = "/usr/bin/docker-registry";

  private final Path dir;
  private final Process process;
  private final String host;
  private final String user;
  private final String password;

  private AuthRegistry(Path dir, Process process, String host, String user, String password) {
    this.dir = dir;
    this.process = process;
    this.host = host;
    this.user = user;
    this.password = password;
  }

  /** Why the fixture cannot run here (a tool missing), or empty when it can. */
  public static Optional<String> unavailable() {
    if (!Files.isExecutable(Path.of(REGISTRY))) {
      return Optional.of(REGISTRY + " is missing (apt-get install docker-registry; scripts/engine-up.sh installs it)");
    }
    if (onPath("htpasswd").isEmpty()) {
      return Optional.of("htpasswd is missing (apt-get install apache2-utils; scripts/engine-up.sh installs it)");
    }
    return Optional.empty();
  }

  /**
   * Starts a registry for a test; without its tools the test fails when {@code CI=true} and is
   * skipped elsewhere.
   */
  public static AuthRegistry startForTest(String user, String password) throws IOException, InterruptedException {
    Optional<String> missing = unavailable();
    if (missing.isPresent()) {
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(missing.get());
      }
      Assumptions.abort(missing.get());
    }
    return start(user, password);
  }

  /** Starts a registry that accepts only {@code user} with {@code password}. */
  public static AuthRegistry start(String user, String password) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("kiln-auth-registry-");
    Path htpasswd = dir.resolve("htpasswd");
    Files.writeString(htpasswd, run(List.of("htpasswd", "-Bbn", user, password)));
    int port = freePort();
    String host = "127.0.0.1:" + port;
    Files.writeString(dir.resolve("config.yml"), String.join("\n",
        "version: 0.1",
        "log:",
        "  level: warn",
        "storage:",
        "  filesystem:",
        "    rootdirectory: " + dir.resolve("data"),
        "http:",
        "  addr: " + host,
        "auth:",
        "  htpasswd:",
        "    realm: kiln-test",
        "    path: " + htpasswd,
        ""));
    Process p = new ProcessBuilder(REGISTRY, "serve", dir.resolve("config.yml").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
    AuthRegistry registry = new AuthRegistry(dir, p, host, user, password);
    try {
      registry.awaitUp();
    } catch (IOException | RuntimeException e) {
      registry.close();
      throw e;
    }
    return registry;
  }

  /** {@code 127.0.0.1:PORT}. */
  public String host() {
    return host;
  }

  /** The user the registry accepts. */
  public String user() {
    return user;
  }

  /** The user's password. */
  public String password() {
    return password;
  }

  /** A fresh directory under the fixture's, for a test's Docker configuration or helpers. */
  public Path newDirectory(String name) throws IOException {
    return Files.createDirectories(dir.resolve(name));
  }

  /**
   * A Docker configuration directory ({@code DOCKER_CONFIG}) whose {@code config.json} is {@code json}.
   */
  public Path dockerConfig(String name, String json) throws IOException {
    Path d = newDirectory(name);
    Files.writeString(d.resolve("config.json"), json);
    return d;
  }

  /** {@code {"auths": {HOST: {"auth": base64(user:password)}}}} for this registry. */
  public String authsJson(String user, String password) {
    return "{\"auths\":{\"" + host + "\":{\"auth\":\"" + base64(user + ":" + password) + "\"}}}";
  }

  /**
   * A credential helper {@code docker-credential-NAME} in a new directory (to put on PATH) that
   * answers this registry's user and {@code password}, and "credentials not found" for any other
   * server, as real helpers do.
   *
   * @return the directory holding it
   */
  public Path credentialHelper(String name, String password) throws IOException {
    Path bin = newDirectory("bin-" + name);
    Path helper = bin.resolve("docker-credential-" + name);
    Files.writeString(helper, String.join("\n",
        "#!/bin/sh",
        "[ \"$1\" = get ] || exit 1",
        "read -r server",
        "if [ \"$server\" = '" + host + "' ]; then",
        "  printf '{\"ServerURL\":\"%s\",\"Username\":\"" + user + "\",\"Secret\":\"" + password + "\"}\\n' \"$server\"",
        "else",
        "  echo 'credentials not found in native keychain'",
        "  exit 1",
        "fi",
        ""));
    Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
    return bin;
  }

  /** The digest of the manifest this registry serves for {@code repo:tag}, as the registry API says. */
  public String manifestDigest(String repo, String tag) throws IOException, InterruptedException {
    return manifestDigest(host, repo, tag, user, password);
  }

  /**
   * The digest of the manifest registry {@code host} serves for {@code repo:tag}
   * ({@code Docker-Content-Digest} of a {@code HEAD}), asking as {@code user} when not null.
   */
  public static String manifestDigest(String host, String repo, String tag, String user, String password)
      throws IOException, InterruptedException {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://" + host + "/v2/" + repo + "/manifests/" + tag))
        .method("HEAD", HttpRequest.BodyPublishers.noBody())
        .header("Accept", "application/vnd.docker.distribution.manifest.v2+json,"
            + "application/vnd.oci.image.manifest.v1+json,application/vnd.docker.distribution.manifest.list.v2+json,"
            + "application/vnd.oci.image.index.v1+json")
        .timeout(Duration.ofSeconds(30));
    if (user != null) {
      req.header("Authorization", "Basic " + base64(user + ":" + password));
    }
    HttpResponse<Void> r = HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.discarding());
    if (r.statusCode() != 200) {
      throw new IOException("HEAD of " + host + "/" + repo + ":" + tag + " answered HTTP " + r.statusCode());
    }
    return r.headers().firstValue("Docker-Content-Digest")
        .orElseThrow(() -> new IOException("no Docker-Content-Digest for " + repo + ":" + tag));
  }

  /** The registry's own log, for a failing test's message. */
  public String log() throws IOException {
    return Files.readString(dir.resolve("registry.log"));
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is no failure
    }
  }

  private void awaitUp() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + host + "/v2/")).timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("docker-registry exited (" + process.exitValue() + "): " + log());
      }
      try {
        if (http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 401) {
          return; // up, and asking for credentials
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IOException("docker-registry did not answer on " + host + " within 30 s: " + log());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(command.get(0) + " failed with exit code " + p.exitValue());
    }
    return out;
  }

  private static Optional<Path> onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(d.isEmpty() ? "." : d, program);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
