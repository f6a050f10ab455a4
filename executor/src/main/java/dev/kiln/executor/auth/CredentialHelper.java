package dev.kiln.executor.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Docker credential helper, {@code docker-credential-<name>} on PATH: {@code get} reads the
 * server's address on standard input and prints {@code {"Username", "Secret"}}, or fails with
 * "credentials not found" when it has none (the protocol of docker/docker-credential-helpers).
 */
final class CredentialHelper {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long TIMEOUT_SECONDS = 30;
  /** What helpers print when they have nothing for the server (docker-credential-helpers' errCredentialsNotFound). */
  private static final String NOT_FOUND = "credentials not found";
  /** The user name helpers answer for an identity token (the docker CLI's convention). */
  private static final String TOKEN_USER = "<token>";

  private final String program;
  private final Path path;
  private final String configuredIn;

  private CredentialHelper(String program, Path path, String configuredIn) {
    this.program = program;
    this.path = path;
    this.configuredIn = configuredIn;
  }

  /**
   * The helper {@code name} on {@code searchPath} (a PATH value).
   *
   * @param configuredIn where the configuration names it, for messages ({@code credHelpers in FILE})
   * @throws RegistryCredentialsException if no such program is on the path
   */
  static CredentialHelper find(String name, String searchPath, String configuredIn, String registry) {
    String program = "docker-credential-" + name;
    if (searchPath != null) {
      for (String dir : searchPath.split(File.pathSeparator)) {
        Path p = Path.of(dir.isEmpty() ? "." : dir, program);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return new CredentialHelper(program, p, configuredIn);
        }
      }
    }
    throw new RegistryCredentialsException(registry, "the credential helper " + program + " for registry "
        + registry + " (" + configuredIn + ") is not on PATH",
        "install " + program + ", or remove it from the Docker configuration", null);
  }

  /**
   * Asks the helper for {@code serverAddress}'s credential.
   *
   * @return empty when the helper has none
   * @throws RegistryCredentialsException if the helper fails or answers something else than JSON
   */
  Optional<RegistryCredential> get(String serverAddress, String registry) {
    String origin = "credential helper " + program + ", " + configuredIn;
    Process p;
    try {
      p = new ProcessBuilder(path.toString(), "get").start();
    } catch (IOException e) {
      throw failed(registry, "could not be started: " + e.getMessage(), e);
    }
    try {
      CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
      try (var in = p.getOutputStream()) {
        in.write(serverAddress.getBytes(StandardCharsets.UTF_8));
      }
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw failed(registry, "did not answer within " + TIMEOUT_SECONDS + " s", null);
      }
      String text = new String(out, StandardCharsets.UTF_8).strip();
      if (p.exitValue() != 0) {
        String said = text.isEmpty() ? new String(err.join(), StandardCharsets.UTF_8).strip() : text;
        if (said.toLowerCase(Locale.ROOT).contains(NOT_FOUND)) {
          return Optional.empty();
        }
        throw failed(registry, "failed (exit code " + p.exitValue() + ")" + (said.isEmpty() ? "" : ": " + firstLine(said)),
            null);
      }
      JsonNode n = JSON.readTree(text);
      String user = n.path("Username").asText("");
      String secret = n.path("Secret").asText("");
      if (secret.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(user.equals(TOKEN_USER)
          ? new RegistryCredential.IdentityToken(secret, origin)
          : new RegistryCredential.Password(user, secret, origin));
    } catch (IOException e) {
      // Never quote the helper's output here: it may hold the secret.
      throw failed(registry, "answered something that is not its JSON credential", e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw failed(registry, "was interrupted", e);
    }
  }

  private RegistryCredentialsException failed(String registry, String what, Throwable cause) {
    return new RegistryCredentialsException(registry, "the credential helper " + program + " for registry "
        + registry + " (" + configuredIn + ") " + what,
        "check that `echo " + registry + " | " + program + " get` prints the credential", cause);
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static byte[] readAll(InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }
}
