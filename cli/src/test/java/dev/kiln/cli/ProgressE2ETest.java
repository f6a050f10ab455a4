package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON events, the terminal view and {@code kiln logs} on the real engine: a run framed by
 * run-started and run-finished with an export and a skipped task's reason; a running task's last
 * lines and the queued tasks in the view; and each task's full output kept, masked, for {@code kiln logs}.
 */
@Tag("e2e")
class ProgressE2ETest {
  static final String SECRET = "s3cr3t-" + UUID.randomUUID();

  @TempDir Path project;
  private final StringWriter err = new StringWriter();
  private Path file;

  @BeforeAll
  static void engineIsThere() {
    DockerEngine.require();
  }

  private int kiln(Writer out, String... args) {
    err.getBuffer().setLength(0);
    return Kiln.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), args, DockerEngine.with(Map.of()))
        .execute(args);
  }

  private void pipeline() throws Exception {
    Files.writeString(project.resolve("token.txt"), SECRET);
    file = Files.writeString(project.resolve("pipeline.pkl"), """
        amends ".kiln/schema/Pipeline.pkl"
        local base = container.from("busybox:latest")
        local withToken = base.withMountedSecret("/run/token", fileSecret("token", "token.txt"))
        tasks {
          ["build"] {
            run = withToken.withExec(List("sh", "-c", "echo NONCE; mkdir /out; echo made > /out/a.txt; echo line-1; echo line-2;"
                + " echo token: $(cat /run/token); sleep 3; echo line-4"))
            exports { ["/out/a.txt"] = "build/a.txt" }
          }
          ["check"] { run = base.withExec(List("sh", "-c", "echo NONCE; exit 4")) }
          ["deploy"] { dependsOn { "check" } run = base.withExec(List("true")) }
        }
        """.replace("NONCE", UUID.randomUUID().toString()));
  }

  @Test
  void jsonEventsFrameTheRunAndSayWhatWasExportedAndWhyATaskWasSkipped() throws Exception {
    pipeline();
    StringWriter out = new StringWriter();
    assertThat(kiln(out, "run", "-f", file.toString(), "--progress", "json", "--keep-going", "-j", "1"))
        .as(err.toString()).isEqualTo(ExitCodes.TASK_FAILED);
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> events = out.toString().lines().map(l -> {
      try {
        return json.readTree(l);
      } catch (Exception e) {
        throw new AssertionError(l, e);
      }
    }).toList();
    assertThat(events.get(0).get("event").asText()).isEqualTo("run-started");
    assertThat(events.get(0).get("version").asInt()).isEqualTo(1);
    assertThat(events.get(0).get("tasks")).extracting(t -> t.get("name").asText())
        .containsExactlyInAnyOrder("build", "check", "deploy");
    JsonNode last = events.get(events.size() - 1);
    assertThat(last.get("event").asText()).isEqualTo("run-finished");
    assertThat(last.get("status").asText()).isEqualTo("failed");
    assertThat(last.get("tasks").toString()).isEqualTo("{\"succeeded\":1,\"failed\":1,\"cancelled\":0,\"skipped\":1}");
    assertThat(events).filteredOn(e -> e.get("event").asText().equals("export"))
        .singleElement().satisfies(e -> {
          assertThat(e.get("task").asText()).isEqualTo("build");
          assertThat(e.get("destination").asText()).isEqualTo("build/a.txt");
        });
    assertThat(events).filteredOn(e -> e.get("event").asText().equals("task-finished")
            && e.get("task").asText().equals("deploy"))
        .singleElement().satisfies(e -> {
          assertThat(e.get("status").asText()).isEqualTo("skipped");
          assertThat(e.get("reason").asText()).isEqualTo("needs check (failed)");
        });
    assertThat(out.toString()).doesNotContain(SECRET);
  }

  @Test
  void theTerminalViewShowsTheLastLinesOfARunningTaskAndTheQueuedOnes() throws Exception {
    pipeline();
    CiOutputE2ETest.TimedLines out = new CiOutputE2ETest.TimedLines();
    assertThat(kiln(out, "run", "-f", file.toString(), "--progress", "tty", "-j", "1", "build", "check"))
        .isEqualTo(ExitCodes.TASK_FAILED);
    String shown = out.text().replace("\033[2K", "");
    assertThat(shown).contains("    > line-2\n").contains("    > token: ***\n").contains("  queued (1): check\n")
        .doesNotContain(SECRET);
  }

  @Test
  void kilnLogsShowsEachTasksFullOutputOfTheLastRunMasked() throws Exception {
    pipeline();
    assertThat(kiln(new StringWriter(), "run", "-f", file.toString(), "--progress", "tty", "-j", "1", "build", "check"))
        .isEqualTo(ExitCodes.TASK_FAILED);
    StringWriter out = new StringWriter();
    assertThat(kiln(out, "logs", "-f", file.toString(), "build")).as(err.toString()).isZero();
    assertThat(out.toString()).startsWith("[build] started\n").containsPattern("\\[build\\] #\\d+ line-1\n")
        .containsPattern("\\[build\\] #\\d+ token: \\*\\*\\*\n").containsPattern("\\[build\\] #\\d+ line-4\n")
        .contains("[build] exported build/a.txt\n").contains("[build] DONE").doesNotContain("[check]");
    out = new StringWriter();
    assertThat(kiln(out, "logs", "-f", file.toString())).isZero();
    assertThat(out.toString()).contains("[build] DONE").contains("[check] FAILED");
    assertThat(kiln(out, "logs", "-f", file.toString(), "nope")).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("no output of task `nope` is kept from the last run; tasks with output:"
        + " build, check");
    for (Path log : Files.list(project.resolve(".kiln/logs")).toList()) {
      assertThat(Files.readString(log)).as(log.toString()).doesNotContain(SECRET);
    }
    // A new run replaces the kept output.
    assertThat(kiln(new StringWriter(), "run", "-f", file.toString(), "--progress", "plain", "check"))
        .isEqualTo(ExitCodes.TASK_FAILED);
    out = new StringWriter();
    assertThat(kiln(out, "logs", "-f", file.toString())).isZero();
    assertThat(out.toString()).contains("[check] FAILED").doesNotContain("[build]");
  }
}
