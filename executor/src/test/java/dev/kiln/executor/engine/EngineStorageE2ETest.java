package dev.kiln.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.planner.llb.Exec;
import dev.kiln.planner.llb.ImageRef;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.Platform;
import dev.kiln.planner.llb.Sources;
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
      assertThat(storage.usage()).anySatisfy(u -> assertThat(u.description()).contains(marker));

      var removed = storage.prune(true, null);

      assertThat(removed).anySatisfy(u -> assertThat(u.description()).contains(marker));
      assertThat(storage.usage()).noneSatisfy(u -> assertThat(u.description()).contains(marker));
    }
  }
}
