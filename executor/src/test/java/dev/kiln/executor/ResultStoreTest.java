package dev.kiln.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultStoreTest {
  @Test
  void resultsOfSucceededTasksAreKeptForLaterTasks() {
    ResultStore store = new ResultStore();
    store.record(new TaskOutcome("a", TaskOutcome.Status.SUCCEEDED, Duration.ZERO, false, null, Map.of("v", "1")));
    store.record(new TaskOutcome("b", TaskOutcome.Status.FAILED, Duration.ZERO, false, null, Map.of("v", "2")));
    assertThat(store.upstream()).containsOnlyKeys("a").containsEntry("a", Map.of("v", "1"));
  }
}
