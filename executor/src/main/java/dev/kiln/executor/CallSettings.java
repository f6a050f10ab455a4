package dev.kiln.executor;

import dev.kiln.executor.secrets.SecretStore;
import dev.kiln.model.FunctionRegistry;
import java.time.Duration;
import java.util.Objects;

/**
 * What tasks that call run-time functions need from the run.
 *
 * @param functions where the called functions are found (the registry the pipeline was checked with)
 * @param secrets where the values of secret arguments come from
 * @param timeout how long one call may take before it is cancelled and its task fails
 */
public record CallSettings(FunctionRegistry functions, SecretStore secrets, Duration timeout) {
  /** The time limit of a call unless one is given. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

  public CallSettings {
    Objects.requireNonNull(functions, "functions");
    Objects.requireNonNull(secrets, "secrets");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
  }
}
