package dev.kiln.executor.engine;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.executor.EngineUnavailableException;

/**
 * The real engine for end-to-end tests: {@code $KILN_TEST_ENGINE}, else Kiln's default resolution.
 * When {@code CI=true} an absent engine fails the test; locally it skips it.
 */
public final class Engines {
  private Engines() {}

  /** Opens a connection to the test engine, or fails/skips as described above. */
  public static BuildkitConnection connect() {
    try {
      return EngineConnector.connect(System.getenv("KILN_TEST_ENGINE"), System.getenv());
    } catch (EngineUnavailableException e) {
      String why = e.getMessage() + " (start one with: sudo scripts/engine-up.sh)";
      if ("true".equals(System.getenv("CI"))) {
        fail(why);
      }
      assumeTrue(false, why);
      throw new AssertionError(why);
    }
  }
}
