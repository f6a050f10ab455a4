package dev.kiln.model;

import java.util.Optional;

/**
 * Base of every error Kiln reports to a user. The CLI renders these in one place; anything that is
 * not a {@code KilnException} is a Kiln bug.
 */
public abstract class KilnException extends RuntimeException {
  private final String hint;

  protected KilnException(String message, String hint, Throwable cause) {
    super(message, cause);
    this.hint = hint;
  }

  /** A short suggestion of what the user can do about it, if there is one. */
  public Optional<String> hint() {
    return Optional.ofNullable(hint);
  }

  /** Where in the user's files the problem is, if it has a place. */
  public Optional<SourceLocation> location() {
    return Optional.empty();
  }
}
