package dev.kiln.executor.cache;

import dev.kiln.model.KilnException;
import dev.kiln.model.SourceLocation;
import java.util.Optional;

/** The engine cannot import or export a remote cache of that type; found before anything runs. */
public final class UnsupportedCacheException extends KilnException {
  private final SourceLocation location;

  UnsupportedCacheException(String message, String hint, SourceLocation location) {
    super(message, hint, null);
    this.location = location;
  }

  /** Where the pipeline declares the cache; empty for a command-line flag. */
  @Override
  public Optional<SourceLocation> location() {
    return Optional.ofNullable(location);
  }
}
