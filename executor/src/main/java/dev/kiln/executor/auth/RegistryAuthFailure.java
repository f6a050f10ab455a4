package dev.kiln.executor.auth;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A registry that turned a request down for its credentials: either it refused the credential Kiln
 * had for it, or it asked for one and Kiln had none. Registries and engines say both the same way
 * (Docker 20.10's BuildKit: "pulling from host H failed with status code [manifests 1]: 401
 * Unauthorized" either way), so which it is comes from what the lookup of that registry found.
 *
 * @param registry the registry host
 * @param kind refused or missing
 * @param credential the credential that was refused ({@code REFUSED} only)
 * @param whereLooked where Kiln looked ({@code MISSING} only)
 */
public record RegistryAuthFailure(String registry, Kind kind, RegistryCredential credential, String whereLooked) {
  /** Which of the two it is. */
  public enum Kind {
    /** The registry refused the credential Kiln sent. */
    REFUSED,
    /** The registry asked for a credential and Kiln had none for it. */
    MISSING
  }

  /**
   * What registries and engines say when authentication fails: HTTP 401/403, distribution's
   * {@code UNAUTHORIZED}/{@code DENIED} error codes, Docker's "no basic auth credentials", and
   * containerd's resolver's "failed to authorize"/"failed to fetch ... token".
   */
  private static final Pattern AUTH_ERROR = Pattern.compile(
      "\\b401\\b|\\b403 forbidden|unauthorized|no basic auth credentials|authentication required"
          + "|access to the requested resource is not authorized|requested access to the resource is denied"
          + "|failed to authorize|failed to fetch (?:oauth|anonymous) token",
      Pattern.CASE_INSENSITIVE);

  /**
   * A registry host in an engine message: "host H", a URL, an image source's domain, or the domain
   * of an image a push names.
   */
  private static final Pattern HOST = Pattern.compile(
      "(?:\\bhost |https?://|docker-image://)([A-Za-z0-9.-]+(?::[0-9]+)?)/?|failed to push ([A-Za-z0-9.-]+(?::[0-9]+)?)/");

  /**
   * The authentication failure an engine or registry {@code message} reports, if it reports one.
   *
   * @param registry the registry the failed request went to, when the caller knows it (a push, a
   *     resolved image); else null, and the message must name it
   */
  public static Optional<RegistryAuthFailure> in(String message, String registry, DockerCredentials credentials) {
    if (message == null || !AUTH_ERROR.matcher(message).find()) {
      return Optional.empty();
    }
    String host = registry;
    if (host == null) {
      Matcher m = HOST.matcher(message);
      if (!m.find()) {
        return Optional.empty();
      }
      host = (m.group(1) != null ? m.group(1) : m.group(2)).toLowerCase(Locale.ROOT);
    }
    return Optional.of(of(host, credentials));
  }

  /** The failure at {@code registry}, refused or missing as its lookup found. */
  static RegistryAuthFailure of(String registry, DockerCredentials credentials) {
    DockerCredentials.Lookup answer = credentials.answer(registry);
    if (answer instanceof DockerCredentials.Lookup.Found f) {
      return new RegistryAuthFailure(registry, Kind.REFUSED, f.credential(), null);
    }
    String where = credentials.whereLooked(registry);
    if (answer instanceof DockerCredentials.Lookup.Failed f) {
      where += "; " + f.error().getMessage();
    }
    return new RegistryAuthFailure(registry, Kind.MISSING, null, where);
  }

  /** Says which registry and why, never the secret. */
  public String message() {
    return switch (kind) {
      case REFUSED -> "registry " + registry + " refused the credentials of " + credential.who() + " (from "
          + credential.origin() + ")";
      case MISSING -> "registry " + registry + " asks for credentials, and none are configured for it (looked in "
          + whereLooked + ")";
    };
  }

  /** What to do about it. */
  public String hint() {
    return switch (kind) {
      case REFUSED -> "check the password or token: `docker login " + registry
          + "` with the same DOCKER_CONFIG replaces it";
      case MISSING -> "run `docker login " + registry + "` (with DOCKER_CONFIG set as for Kiln), or add the registry"
          + " to `auths` or `credHelpers` of the Docker configuration";
    };
  }
}
