package dev.kiln.model;

import java.util.Optional;

/** The pipeline (or its parameters) is invalid: a type error, a failed check, a syntax error. */
public class PipelineException extends KilnException {
  private final SourceLocation location;

  public PipelineException(String message, SourceLocation location, String hint) {
    this(message, location, hint, null);
  }

  public PipelineException(String message, SourceLocation location, String hint, Throwable cause) {
    super(message, hint, cause);
    this.location = location;
  }

  @Override
  public Optional<SourceLocation> location() {
    return Optional.ofNullable(location);
  }
}
