package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tasks that call run-time Java functions, end to end on the real engine: a container's file and
 * an earlier task's result reach the function, its results reach a later container, failures are
 * task failures, and secrets stay out of the output.
 */
@Tag("e2e")
class FunctionCallE2ETest extends KilnInProcess {
  @TempDir Path dir;

  @BeforeAll
  static void engineIsThere() {
    DockerEngine.require();
  }

  private Path pipeline(String body) throws IOException {
    Path p = dir.resolve("project/pipeline.pkl");
    Files.createDirectories(p.getParent());
    return Files.writeString(p, "amends \".kiln/schema/Pipeline.pkl\"\n" + body);
  }

  @Test
  void aFunctionGetsAContainersFileAndAResultAndALaterTaskReadsItsResults() throws Exception {
    String marker = UUID.randomUUID().toString().substring(0, 8);
    String token = "swordfish-" + UUID.randomUUID();
    Path p = pipeline("""
        local base = container.from("busybox:latest")
        local made = base.withExec(List("sh", "-c",
          "mkdir -p /out /kiln/results && printf 'a\\\\nb\\\\nc\\\\n' > /out/list.txt && echo 2.0.%s > /kiln/results/version"))
        local token = fileSecret("token", "token.txt")
        tasks {
          ["make"] { run = made; results { "version" } }
          ["count"] {
            dependsOn { "make" }
            call = new FunctionCall {
              name = "testfn.count"
              args {
                ["file"] = made.file("/out/list.txt")
                ["label"] = "v\\(module.resultOf("make", "version"))"
                ["token"] = token
              }
            }
          }
          ["report"] {
            dependsOn { "count" }
            run = base.withDirectory("/in", module.host.directory(".kiln/results/count"))
              .withExec(List("sh", "-c", "mkdir -p /out && echo lines=$(cat /in/lines) summary=$(cat /in/summary) > /out/report"))
            exports { ["/out/report"] = "build/report" }
          }
        }
        """.formatted(marker));
    Files.writeString(p.resolveSibling("token.txt"), token + "\n");
    List<Path> tempsBefore = inputTemps();

    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain")).as(err.toString()).isZero();

    String summary = "v2.0." + marker + ":3:" + token.length();
    assertThat(Files.readString(p.resolveSibling("build/report"))).isEqualTo("lines=3 summary=" + summary + "\n");
    assertThat(out.toString()).contains("[count] read 3 lines from list.txt", "[count] token=***",
        "[count] result lines = 3", "[count] result summary = " + summary, "[count] result tokenEcho = ***",
        "[count] DONE", "[report] DONE");
    Path results = p.resolveSibling(".kiln/results/count");
    assertThat(Files.readString(results.resolve("summary"))).isEqualTo(summary);
    assertThat(Files.readString(results.resolve("tokenEcho"))).isEqualTo("***");
    assertThat(out.toString() + err).doesNotContain("swordfish");
    assertThat(inputTemps()).isEqualTo(tempsBefore);

    // Run again: the inputs come from the cache, but the function still runs (and says so).
    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain", "count")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("[count] read 3 lines from list.txt", "[count] DONE").doesNotContain("[count] CACHED");
  }

  @Test
  void aFailingFunctionFailsItsTaskWithItsMessage() throws Exception {
    Path p = pipeline("""
        tasks {
          ["notify"] {
            call = new FunctionCall { name = "testfn.fail"; args { ["message"] = "the webhook answered 503" } }
          }
          ["after"] { dependsOn { "notify" } }
        }
        """);
    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain")).isEqualTo(ExitCodes.TASK_FAILED);
    assertThat(err.toString()).contains("task notify failed: testfn.fail: the webhook answered 503")
        .contains("0 succeeded, 1 failed, 0 cancelled, 1 skipped").doesNotContain("\tat ");
  }

  @Test
  void aFunctionThatThrowsARuntimeExceptionIsReportedAsItsBug() throws Exception {
    Path p = pipeline("""
        tasks {
          ["notify"] {
            call = new FunctionCall { name = "testfn.fail"; args { ["message"] = "oops"; ["bug"] = true } }
          }
        }
        """);
    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain")).isEqualTo(ExitCodes.TASK_FAILED);
    assertThat(err.toString()).contains("task notify failed: testfn.fail failed with java.lang.IllegalStateException: oops."
        + " This is a bug in the function, not in the pipeline").doesNotContain("\tat ");
  }

  @Test
  void kilnPlanShowsTheCallWithoutSecretValues() throws Exception {
    Path p = pipeline("""
        local made = container.from("busybox:latest").withExec(List("sh", "-c", "echo hi > /x.txt"))
        local token = envSecret("token", "KILN_E2E_NOT_SET")
        tasks {
          ["count"] {
            call = new FunctionCall {
              name = "testfn.count"
              args { ["file"] = made.file("/x.txt"); ["label"] = "l"; ["token"] = token }
            }
          }
        }
        """);
    assertThat(kiln("plan", "-f", p.toString())).as(err.toString()).isZero();
    assertThat(out.toString()).contains("call testfn.count", "token = secret token", "input file <- x.txt",
        "results: lines, summary, tokenEcho");
  }

  private static List<Path> inputTemps() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(f -> f.getFileName().toString().startsWith("kiln-input-")).sorted().toList();
    }
  }
}
