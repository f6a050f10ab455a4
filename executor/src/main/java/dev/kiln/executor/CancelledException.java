package dev.kiln.executor;

import dev.kiln.model.KilnException;

/** A request to the engine was cancelled, because the user interrupted Kiln (Ctrl-C). */
public final class CancelledException extends KilnException {
  public CancelledException(String message, Throwable cause) {
    super(message, null, cause);
  }
}
