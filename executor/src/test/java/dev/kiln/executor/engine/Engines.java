package dev.kiln.executor.engine;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.Map;

/**
 * The real engine for end-to-end tests: {@code $KILN_TEST_ENGINE}, else the default resolution. When
 * {@code CI=true} an absent engine fails the test; locally it skips it.
 */
public final class Engines {
  private Engines() {}

  public static EngineAddress address() {
    String configured = System.getenv("KILN_TEST_ENGINE");
    return EngineAddress.candidates(configured, configured == null ? System.getenv() : Map.of()).get(
        EngineAddress.candidates(configured, configured == null ? System.getenv() : Map.of()).size() - 1);
  }

  /** Opens a connection to the test engine, or fails/skips as described above. */
  public static BuildkitConnection connect() {
    EngineAddress address = address();
    try {
      return BuildkitConnection.open(address);
    } catch (IOException e) {
      String why = "no BuildKit engine at " + address + ": " + e.getMessage()
          + " (start one with: sudo scripts/engine-up.sh)";
      if ("true".equals(System.getenv("CI"))) {
        fail(why);
      }
      assumeTrue(false, why);
      throw new AssertionError(why);
    }
  }
}
