package dev.kiln.executor.engine;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/** Base of end-to-end tests that share one connection to the real engine for the whole class. */
@Tag("e2e")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
abstract class ConnectedE2E {
  static BuildkitConnection engine;

  @BeforeAll
  static void connect() {
    engine = Engines.connect();
  }

  @AfterAll
  static void close() {
    if (engine != null) {
      engine.close();
    }
  }
}
