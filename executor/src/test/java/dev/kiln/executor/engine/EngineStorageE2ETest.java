package dev.kiln.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.planner.llb.Exec;
import dev.kiln.planner.llb.ImageRef;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.Platform;
import dev.kiln.planner.llb.Sources;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("e2e")
class EngineStorageE2ETest {
  @Test
  void duListsWhatASolveLeftAndPruneRemovesIt() {
    String marker = UUID.randomUUID().toString();
    try (BuildkitConnection c = Engines.connect()) {
      var state = Sources.image(ImageRef.parse("busybox:latest"), Platform.LINUX_AMD64)
          .run(Exec.of("sh", "-c", "echo " + marker + " > /m")).root();
      new Solver(c).solve(new Marshaller().marshal(state).toPb(), SolveOptions.none(), r -> { });
      EngineStorage storage = new EngineStorage(c);
      var mine = storage.usage().stream().filter(u -> u.description().contains(marker)).toList();
      assertThat(mine).isNotEmpty();

      // Only this test's record: pruning everything would cool the engine for every other test.
      var removed = storage.prune(true, null, List.of("id==" + mine.get(0).id()));

      assertThat(removed).anySatisfy(u -> assertThat(u.description()).contains(marker));
      assertThat(storage.usage()).noneSatisfy(u -> assertThat(u.description()).contains(marker));
    }
  }
}
