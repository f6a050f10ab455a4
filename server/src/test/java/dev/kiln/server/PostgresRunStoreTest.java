package dev.kiln.server;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.testsupport.PostgresCluster;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The run history in a real PostgreSQL: a cluster of Debian's binaries, made for these tests. */
class PostgresRunStoreTest extends RunStoreTest {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static PostgresCluster cluster;

  @BeforeAll
  static void startPostgres() throws Exception {
    cluster = PostgresCluster.startOrSkip();
  }

  @AfterAll
  static void stopPostgres() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Override
  HistoryDatabase database() {
    return HistoryDatabase.of(cluster.newDatabase("history_" + DATABASES.incrementAndGet()), PostgresCluster.PASSWORD);
  }

  @Test
  void aWrongPasswordIsAClearHistoryError() {
    HistoryDatabase db = database();
    assertThatThrownBy(() -> RunStore.open(HistoryDatabase.of(db.url(), "not-the-password")))
        .isInstanceOf(HistoryException.class)
        .hasMessageContaining("cannot open the run history at " + db.url())
        .hasMessageContaining("password authentication failed")
        .hasMessageNotContaining("not-the-password");
  }
}
