package dev.kiln.executor;

import dev.kiln.model.KilnException;

/**
 * The engine answered a request that is not a task's solve (disk usage, pruning, resolving an
 * image while planning, ...) with an error; the message is the engine's.
 */
public final class EngineException extends KilnException {
  public EngineException(String message, String hint, Throwable cause) {
    super(message, hint, cause);
  }
}
