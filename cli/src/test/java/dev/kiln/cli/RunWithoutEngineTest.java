package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln run} reaches its engine while the pipeline is evaluated: what the user sees when it
 * does not answer is as when it was reached after, through the real command line.
 */
class RunWithoutEngineTest extends KilnInProcess {
  @TempDir Path dir;

  @Test
  void anInvalidPipelineIsExitTwoEvenWhenTheEngineIsDown() throws Exception {
    Path file = Files.writeString(dir.resolve("pipeline.pkl"), """
        amends ".kiln/schema/Pipeline.pkl"
        tasks { ["broken"] { run = 42 } }
        """);
    String engine = "unix://" + dir.resolve("none.sock");
    assertThat(kiln("run", "-f", file.toString(), "--engine", engine)).as(err.toString()).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("pipeline.pkl:2").doesNotContain("none.sock");
  }

  @Test
  void aValidPipelineOnAnEngineThatIsDownIsExitThreeNamingIt() throws Exception {
    Path file = Files.writeString(dir.resolve("pipeline.pkl"), """
        amends ".kiln/schema/Pipeline.pkl"
        tasks { ["hello"] { run = container.from("busybox:latest").withExec(List("true")) } }
        """);
    String engine = "unix://" + dir.resolve("none.sock");
    assertThat(kiln("run", "-f", file.toString(), "--engine", engine)).as(err.toString())
        .isEqualTo(ExitCodes.ENGINE_UNREACHABLE);
    assertThat(err.toString()).contains(engine);
  }
}
