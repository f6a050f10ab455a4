package dev.kiln.executor;

import dev.kiln.model.KilnException;
import java.util.List;

/** No BuildKit engine answered at any of the addresses tried, or the engine was lost mid-run. */
public final class EngineUnavailableException extends KilnException {
  private final List<String> attempts;

  public EngineUnavailableException(String message, List<String> attempts, String hint, Throwable cause) {
    super(message + render(attempts), hint, cause);
    this.attempts = List.copyOf(attempts);
  }

  /** Each address tried and why it failed, in order. */
  public List<String> attempts() {
    return attempts;
  }

  private static String render(List<String> attempts) {
    StringBuilder sb = new StringBuilder();
    for (String a : attempts) {
      sb.append("\n  tried ").append(a);
    }
    return sb.toString();
  }
}
