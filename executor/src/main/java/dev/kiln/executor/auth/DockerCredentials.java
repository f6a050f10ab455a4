package dev.kiln.executor.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Registry credentials as Docker keeps them: {@code ~/.docker/config.json} ({@code $DOCKER_CONFIG}),
 * with inline {@code auths}, per-registry {@code credHelpers} and a default {@code credsStore}
 * (a {@code docker-credential-<name>} program answering {@code get}).
 */
public final class DockerCredentials {
  /** A user name and password or token. */
  public record Credential(String username, String secret) {
    @Override
    public String toString() {
      return "Credential[username=" + username + ", secret=***]";
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DOCKER_HUB = "https://index.docker.io/v1/";

  private final JsonNode config;
  private final String helperPath;

  private DockerCredentials(JsonNode config, String helperPath) {
    this.config = config;
    this.helperPath = helperPath;
  }

  /** Reads the Docker client configuration of this user; none is fine (anonymous). */
  public static DockerCredentials load(Map<String, String> env) {
    String dir = env.get("DOCKER_CONFIG");
    Path file = dir != null && !dir.isEmpty()
        ? Path.of(dir, "config.json")
        : Path.of(System.getProperty("user.home"), ".docker", "config.json");
    return from(file);
  }

  /** Reads {@code file}; a missing or unreadable file means no credentials. */
  public static DockerCredentials from(Path file) {
    return from(file, System.getenv("PATH"));
  }

  /** Reads {@code file}; credential helpers are looked up on {@code helperPath} (a PATH value). */
  public static DockerCredentials from(Path file, String helperPath) {
    try {
      if (Files.isRegularFile(file)) {
        return new DockerCredentials(JSON.readTree(file.toFile()), helperPath);
      }
    } catch (IOException e) {
      // an unreadable config means anonymous pulls, as with the docker CLI
    }
    return new DockerCredentials(JSON.createObjectNode(), helperPath);
  }

  /** The credential for registry {@code host} ({@code docker.io} for Docker Hub), if any. */
  public Optional<Credential> lookup(String host) {
    String key = host.equals("docker.io") || host.equals("registry-1.docker.io") || host.equals("index.docker.io")
        ? DOCKER_HUB : host;
    String helper = config.path("credHelpers").path(key).asText("");
    if (helper.isEmpty()) {
      helper = config.path("credHelpers").path(host).asText("");
    }
    if (!helper.isEmpty()) {
      return fromHelper(helper, key);
    }
    JsonNode auths = config.path("auths");
    for (String candidate : new String[] {key, host, "https://" + host, "http://" + host}) {
      JsonNode entry = auths.path(candidate);
      if (!entry.isMissingNode()) {
        Optional<Credential> c = fromEntry(entry);
        if (c.isPresent()) {
          return c;
        }
      }
    }
    String store = config.path("credsStore").asText("");
    return store.isEmpty() ? Optional.empty() : fromHelper(store, key);
  }

  private static Optional<Credential> fromEntry(JsonNode entry) {
    String auth = entry.path("auth").asText("");
    if (!auth.isEmpty()) {
      String decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      if (colon > 0) {
        return Optional.of(new Credential(decoded.substring(0, colon), decoded.substring(colon + 1)));
      }
    }
    String token = entry.path("identitytoken").asText("");
    if (!token.isEmpty()) {
      return Optional.of(new Credential("<token>", token));
    }
    return Optional.empty();
  }

  private Optional<Credential> fromHelper(String helper, String serverUrl) {
    Optional<Path> program = findHelper("docker-credential-" + helper);
    if (program.isEmpty()) {
      return Optional.empty();
    }
    try {
      Process p = new ProcessBuilder(program.get().toString(), "get").start();
      p.getOutputStream().write(serverUrl.getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return Optional.empty(); // "credentials not found" is an exit code 1
      }
      JsonNode n = JSON.readTree(out);
      String user = n.path("Username").asText("");
      String secret = n.path("Secret").asText("");
      return secret.isEmpty() ? Optional.empty() : Optional.of(new Credential(user, secret));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private Optional<Path> findHelper(String name) {
    if (helperPath == null) {
      return Optional.empty();
    }
    for (String dir : helperPath.split(File.pathSeparator)) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
