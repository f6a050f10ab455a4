package dev.kiln.executor.auth;

/**
 * A registry credential from Docker's configuration. Its secret never appears in {@code toString};
 * the run's masker is given {@link #secret()} so that it appears in no output either.
 */
public sealed interface RegistryCredential {
  /** The password or token. */
  String secret();

  /** Where it came from, for messages: {@code auths in /home/me/.docker/config.json}, a helper. */
  String origin();

  /** Who it authenticates as, for messages: {@code user `ci`}, {@code an identity token}. */
  String who();

  /** A user name and password (or an access token used as a password). */
  record Password(String username, String secret, String origin) implements RegistryCredential {
    @Override
    public String who() {
      return "user `" + username + "`";
    }

    @Override
    public String toString() {
      return "Password[username=" + username + ", secret=***, origin=" + origin + "]";
    }
  }

  /** An identity token: an OAuth refresh token the registry exchanges for access tokens. */
  record IdentityToken(String secret, String origin) implements RegistryCredential {
    @Override
    public String who() {
      return "an identity token";
    }

    @Override
    public String toString() {
      return "IdentityToken[secret=***, origin=" + origin + "]";
    }
  }
}
