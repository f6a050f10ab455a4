package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's layer cache and cache volumes, through {@code kiln run}. */
@Tag("e2e")
class CacheE2ETest extends KilnInProcess {
  @TempDir Path dir;

  @BeforeAll
  static void engineIsThere() {
    DockerEngine.require();
  }

  /** Runs the pipeline; returns each task's "cached" flag from the JSON progress. */
  private Map<String, Boolean> run(Path pipeline, String... extra) throws Exception {
    String[] args = new String[4 + extra.length];
    args[0] = "run";
    args[1] = "-f";
    args[2] = pipeline.toString();
    args[3] = "--progress=json";
    System.arraycopy(extra, 0, args, 4, extra.length);
    int code = kiln(args);
    assertThat(code).as(err.toString()).isZero();
    Map<String, Boolean> cached = new TreeMap<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : out.toString().split("\n")) {
      JsonNode e = json.readTree(line);
      if (e.path("event").asText().equals("task-finished")) {
        cached.put(e.get("task").asText(), e.get("cached").asBoolean());
      }
    }
    return cached;
  }

  @Test
  void anUnchangedPipelineRunsNothingAndOneChangedFileRerunsOnlyItsReaders() throws Exception {
    String marker = UUID.randomUUID().toString();
    Path project = dir.resolve("p");
    Files.createDirectories(project.resolve("src"));
    Files.writeString(project.resolve("src/a.txt"), "a " + marker);
    Files.writeString(project.resolve("src/b.txt"), "b " + marker);
    Files.writeString(project.resolve("pipeline.pkl"), """
        amends ".kiln/schema/Pipeline.pkl"
        local base = container.from("busybox:latest")
        local function reader(file: String) = base
          .withDirectory("/src", module.host.directory("src").including(List(file)))
          .withExec(List("sh", "-c", "cat /src/\\(file) && echo read-%s"))
        tasks {
          ["read-a"] { run = reader("a.txt") }
          ["read-b"] { run = reader("b.txt") }
        }
        """.formatted(marker));
    Path pipeline = project.resolve("pipeline.pkl");

    assertThat(run(pipeline)).containsEntry("read-a", false).containsEntry("read-b", false);
    assertThat(run(pipeline)).containsEntry("read-a", true).containsEntry("read-b", true);

    Files.writeString(project.resolve("src/b.txt"), "b changed " + marker);
    Files.writeString(project.resolve("src/unrelated.txt"), "nobody reads this");
    // --explain names the changed file, and only for the task that reads it.
    assertThat(kiln("plan", "--explain", "-f", pipeline.toString())).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("explain: read-a (run): unchanged since the last run")
        .contains("explain: read-b: local://src").contains("- file b.txt (modified)")
        .doesNotContain("unrelated.txt");
    assertThat(run(pipeline)).containsEntry("read-a", true).containsEntry("read-b", false);
  }

  @Test
  void cacheVolumesKeepTheirContentsAcrossRuns() throws Exception {
    String volume = "kiln-e2e-" + UUID.randomUUID().toString().substring(0, 8);
    Path project = dir.resolve("v");
    Files.createDirectories(project);
    Path pipeline = project.resolve("pipeline.pkl");
    for (String run : new String[] {"first", "second"}) {
      // A new nonce each run so the step runs again; only the volume can carry state between runs.
      Files.writeString(pipeline, """
          amends ".kiln/schema/Pipeline.pkl"
          local vol = cacheVolume("%s")
          local base = container.from("busybox:latest").withMountedCache("/cache", vol)
          tasks {
            ["count"] {
              run = base.withExec(List("sh", "-c",
                "echo %s >/dev/null; mkdir -p /out; echo %s >> /cache/runs; cp /cache/runs /out/runs"))
              exports { ["/out/runs"] = "build/runs" }
            }
          }
          """.formatted(volume, UUID.randomUUID(), run));
      run(pipeline);
    }
    assertThat(Files.readAllLines(project.resolve("build/runs"))).containsExactly("first", "second");
  }
}
