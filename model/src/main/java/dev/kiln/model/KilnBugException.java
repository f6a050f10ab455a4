package dev.kiln.model;

import java.util.Optional;

/**
 * Something failed that no input should make fail: a bug in Kiln or in a library it embeds (Pkl).
 * A module's error choke point turns every unexpected exception into this, so the CLI can say so
 * plainly (exit 70) instead of printing a stack trace; the cause keeps the trace for {@code
 * --stacktrace}.
 */
public final class KilnBugException extends KilnException {
  private static final String HINT = "this is a bug in Kiln, not in your pipeline; please report it"
      + " with the output of --stacktrace";

  private final SourceLocation location;

  private KilnBugException(String message, String hint, SourceLocation location, Throwable cause) {
    super(message, hint, cause);
    this.location = location;
  }

  /** {@code what} failed because of {@code cause}, with the standard hint to report it. */
  public static KilnBugException of(String what, Throwable cause) {
    return new KilnBugException(what + ": " + describe(cause), HINT, null, cause);
  }

  /** Like {@link #of}, while Kiln was working on {@code location} of the user's files. */
  public static KilnBugException at(String what, Throwable cause, SourceLocation location) {
    return new KilnBugException(what + ": " + describe(cause), HINT, location, cause);
  }

  /** Like {@link #at}, with a hint of its own (for example naming the library at fault). */
  public static KilnBugException at(String what, Throwable cause, SourceLocation location, String hint) {
    return new KilnBugException(what + ": " + describe(cause), hint, location, cause);
  }

  @Override
  public Optional<SourceLocation> location() {
    return Optional.ofNullable(location);
  }

  /** The innermost cause's type and message, which says more than the wrappers around it. */
  private static String describe(Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    String type = root.getClass().getSimpleName();
    return message == null || message.isBlank() ? type : type + ": " + message;
  }
}
