package dev.kiln.executor.auth;

import dev.kiln.model.KilnException;

/**
 * Docker's credential configuration cannot answer for a registry: the configuration file is not
 * valid, or the credential helper it names is missing or failed. Found before anything runs when
 * Kiln looks up the registries a plan uses.
 */
public final class RegistryCredentialsException extends KilnException {
  private final String registry;

  RegistryCredentialsException(String registry, String message, String hint, Throwable cause) {
    super(message, hint, cause);
    this.registry = registry;
  }

  /** The registry host whose credentials were asked for. */
  public String registry() {
    return registry;
  }
}
