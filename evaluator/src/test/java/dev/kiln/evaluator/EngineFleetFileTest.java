package dev.kiln.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.model.EngineFleet;
import dev.kiln.model.PipelineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineFleetFileTest {
  @TempDir Path dir;

  private Path write(String text) throws Exception {
    Path file = dir.resolve(".kiln/engines.pkl");
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return file;
  }

  @Test
  void readsEnginesInOrderWithLimitsAndRegistry() throws Exception {
    Path file = write("""
        amends "schema/Engines.pkl"
        engines {
          ["local"] { address = "docker://" }
          ["big"] { address = "tcp://10.0.0.5:1234"; maxSolves = 8 }
        }
        registry = "127.0.0.1:5000/kiln-fleet"
        """);
    EngineFleet fleet = EngineFleetFile.read(file);
    assertEquals(List.of(new EngineFleet.Engine("local", "docker://", 4), new EngineFleet.Engine("big",
        "tcp://10.0.0.5:1234", 8)), fleet.engines());
    assertEquals(Optional.of("127.0.0.1:5000/kiln-fleet"), fleet.registry());
  }

  @Test
  void aLimitOutOfRangeIsAnErrorAtItsLine() throws Exception {
    Path file = write("""
        amends "schema/Engines.pkl"
        engines {
          ["local"] { address = "docker://"; maxSolves = 0 }
        }
        """);
    PipelineException e = assertThrows(PipelineException.class, () -> EngineFleetFile.read(file));
    assertEquals(3, e.location().orElseThrow().line(), e.getMessage());
  }

  @Test
  void aBadNameOrAddressIsRefused() throws Exception {
    Path file = write("""
        amends "schema/Engines.pkl"
        engines {
          ["Local_1"] { address = "docker://" }
        }
        """);
    assertThrows(PipelineException.class, () -> EngineFleetFile.read(file));
    Path noScheme = write("""
        amends "schema/Engines.pkl"
        engines { ["a"] { address = "/var/run/docker.sock" } }
        """);
    PipelineException e = assertThrows(PipelineException.class, () -> EngineFleetFile.read(noScheme));
    assertEquals(2, e.location().orElseThrow().line(), e.getMessage());
  }

  @Test
  void aModuleThatIsNotAnEnginesFileOrEmptyIsRefused() throws Exception {
    Path other = write("foo = 1\n");
    assertTrue(assertThrows(PipelineException.class, () -> EngineFleetFile.read(other)).getMessage()
        .contains("not a Kiln engines file"));
    Path empty = write("amends \"schema/Engines.pkl\"\n");
    assertTrue(assertThrows(PipelineException.class, () -> EngineFleetFile.read(empty)).getMessage()
        .contains("no engine"));
  }

  @Test
  void theSandboxRefusesFilesOutsideTheFilesDirectory() throws Exception {
    Files.writeString(dir.resolve("secret.txt"), "x");
    Path file = write("""
        amends "schema/Engines.pkl"
        engines { ["a"] { address = "docker://" + read("../secret.txt").text } }
        """);
    assertThrows(PipelineException.class, () -> EngineFleetFile.read(file));
  }
}
