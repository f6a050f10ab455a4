package dev.kiln.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.planner.EngineCapabilities;
import dev.kiln.planner.Plan;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanRunnerTest {
  @TempDir Path project;

  @Test
  void aRunnerRunsOnePlanAndSaysSoWhenAskedForASecond() {
    Plan empty = new Plan(List.of(), EngineCapabilities.dockerV20_10(), List.of());
    PlanRunner runner = new PlanRunner(null, dirs -> List.of(),
        new PlanRunner.Options(1, false, project, "t"), new PlanRunner.Listener() { });
    assertThat(runner.run(empty).succeeded()).isTrue();
    assertThatThrownBy(() -> runner.run(empty)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("one plan");
  }
}
