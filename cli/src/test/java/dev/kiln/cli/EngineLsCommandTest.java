package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.executor.EngineStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineLsCommandTest extends KilnInProcess {
  @TempDir Path dir;

  @Test
  void aReachableEngineShowsVersionActivityAndCacheAndAnUnreachableOneWhy() {
    String text = EngineLsCommand.text(List.of(
        new EngineStatus("e1", "docker://", Optional.empty(), "Docker 20.10.24", "v0.8.2", 3L << 30, 120, 2),
        new EngineStatus("e2", "tcp://10.0.0.9:1234", Optional.of("no BuildKit engine answered; connection refused"),
            "", "", 0, 0, 0)));
    assertThat(text.lines().toList()).containsExactly(
        "NAME  ADDRESS              STATE        BUILDKIT   IN USE  CACHE",
        "e1    docker://            reachable    v0.8.2          2  3.0 GiB (120 records)",
        "e2    tcp://10.0.0.9:1234  unreachable  -               -  -",
        "  no BuildKit engine answered; connection refused");
  }

  @Test
  void aFleetOfUnreachableEnginesIsListedAndExitsThree() throws Exception {
    Path sock = Files.createTempDirectory("kiln-ls").resolve("missing.sock");
    int code = kiln("engine", "ls", "--engine", "unix://" + sock, "--engine", "unix://" + sock + "2");
    assertThat(code).as(err.toString()).isEqualTo(3);
    assertThat(out.toString()).contains("e1 ", "e2 ", "unreachable");
  }

  @Test
  void aBrokenEnginesFileIsAnErrorAtItsLine() throws Exception {
    Files.createDirectories(dir.resolve(".kiln"));
    Files.writeString(dir.resolve(".kiln/engines.pkl"), """
        amends "schema/Engines.pkl"
        engines { ["a"] { address = "docker://"; maxSolves = 0 } }
        """);
    Files.writeString(dir.resolve("pipeline.pkl"), """
        amends ".kiln/schema/Pipeline.pkl"
        tasks { ["t"] { run = container.from("busybox:latest") } }
        """);
    int code = kiln("run", "-f", dir.resolve("pipeline.pkl").toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("engines.pkl:2:");
  }
}
