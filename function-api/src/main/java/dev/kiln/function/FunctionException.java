package dev.kiln.function;

/**
 * A function call failed. The message is shown to the user as is, next to the pipeline location
 * of the call, so it should say what was wrong and, where it helps, what to do.
 */
public class FunctionException extends Exception {
  private static final long serialVersionUID = 1L;

  /** A failure described by {@code message}. */
  public FunctionException(String message) {
    super(message);
  }

  /** A failure described by {@code message}, caused by {@code cause}. */
  public FunctionException(String message, Throwable cause) {
    super(message, cause);
  }
}
