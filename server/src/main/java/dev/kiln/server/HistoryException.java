package dev.kiln.server;

import dev.kiln.model.KilnException;

/** The run history cannot be opened, read or written. */
public final class HistoryException extends KilnException {
  HistoryException(String message, Throwable cause) {
    super(message, "check that the server's data directory (or database) is readable and writable", cause);
  }
}
