package dev.kiln.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.model.Container;
import dev.kiln.model.Directory;
import dev.kiln.model.Pipeline;
import dev.kiln.model.Task;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pipelines that are long or deep rather than wide: planning walks them without recursing as deep. */
class DeepModelsTest {
  private static Plan plan(Pipeline p) {
    return PlannerBuilder.preconfigured().build().plan(p, List.of());
  }

  @Test
  void aChainOfTwelveThousandTasksDeclaredDependentFirstIsPlannedInOrder() {
    Container c = Container.from("busybox:latest").withExec("true");
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < 12_000; i++) {
      Task t = Task.run("t" + i, c);
      tasks.add(i + 1 < 12_000 ? t.withDependsOn("t" + (i + 1)) : t);
    }
    Plan plan = plan(Pipeline.of(tasks.toArray(Task[]::new)));
    assertThat(plan.tasks()).hasSize(12_000);
    assertThat(plan.tasks().get(0).name()).isEqualTo("t11999");
    assertThat(plan.tasks().get(11_999).name()).isEqualTo("t0");
  }

  @Test
  void directoriesNestedFiveThousandDeepAreLowered() {
    Container base = Container.from("busybox:latest");
    Directory d = Directory.empty();
    for (int i = 0; i < 5_000; i++) {
      d = base.withExec("touch", "/x/" + i).withDirectory("/x", d).directory("/x");
    }
    Plan plan = plan(Pipeline.of(Task.run("deep", base.withDirectory("/y", d).withExec("true"))));
    assertThat(plan.tasks()).singleElement().satisfies(t -> assertThat(t.targets()).isNotEmpty());
  }
}
