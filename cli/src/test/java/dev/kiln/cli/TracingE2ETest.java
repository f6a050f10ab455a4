package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testsupport.OtlpReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kiln run in its own process with the standard OTEL_* variables: the run, its tasks and their steps
 * reach an OTLP receiver in this process as one trace, with the engine's cache hits on the steps.
 */
@Tag("e2e")
class TracingE2ETest {
  @TempDir Path dir;

  private String kiln(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Path output = dir.resolve(".out");
    Process p = pb.redirectOutput(output.toFile()).start();
    p.getOutputStream().close();
    if (!p.waitFor(4, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("kiln " + String.join(" ", args) + " did not finish in 4 minutes");
    }
    String out = Files.readString(output);
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void aRunsTasksAndStepsAreExportedAsOneTrace() throws Exception {
    DockerEngine.require();
    String marker = "traced-" + System.nanoTime();
    Files.writeString(dir.resolve("pipeline.pkl"), """
        amends ".kiln/schema/Pipeline.pkl"
        local busybox = container.from("busybox:latest")
        tasks {
          ["make"] { run = busybox.withExec(List("sh", "-c", "echo %s > /made")) }
          ["check"] { dependsOn { "make" }; run = busybox.withExec(List("sh", "-c", "echo checked %s")) }
        }
        """.formatted(marker, marker));
    try (OtlpReceiver otlp = new OtlpReceiver()) {
      Map<String, String> env = Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint(), "OTEL_SERVICE_NAME",
          "kiln-e2e", "OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=test");
      kiln(env, "run", "--progress", "plain", "check");
      kiln(env, "run", "--progress", "plain", "check"); // again: the steps come from the cache

      List<OtlpReceiver.Span> spans = otlp.await(all -> all.stream().filter(s -> s.name().equals("kiln run"))
          .count() == 2, Duration.ofSeconds(30));
      List<OtlpReceiver.Span> runs = spans.stream().filter(s -> s.name().equals("kiln run")).toList();
      assertThat(runs).allSatisfy(r -> {
        assertThat(r.parentId()).isEmpty();
        assertThat(r.attributes()).containsEntry("kiln.tasks", "check").containsEntry("kiln.run.succeeded", true);
        assertThat(r.resource()).containsEntry("service.name", "kiln-e2e")
            .containsEntry("deployment.environment", "test");
      });
      assertThat(runs.get(0).traceId()).isNotEqualTo(runs.get(1).traceId());
      for (int i = 0; i < 2; i++) {
        OtlpReceiver.Span run = runs.get(i);
        List<OtlpReceiver.Span> tasks = spans.stream().filter(s -> s.parentId().equals(run.spanId())).toList();
        assertThat(tasks).extracting(OtlpReceiver.Span::name).containsExactlyInAnyOrder("make", "check");
        OtlpReceiver.Span check = tasks.stream().filter(s -> s.name().equals("check")).findFirst().orElseThrow();
        List<OtlpReceiver.Span> steps = spans.stream().filter(s -> s.parentId().equals(check.spanId())).toList();
        assertThat(steps).extracting(OtlpReceiver.Span::traceId).containsOnly(run.traceId());
        OtlpReceiver.Span echo = steps.stream().filter(s -> s.name().contains("echo checked " + marker)).findFirst()
            .orElseThrow(() -> new AssertionError("no step span for the command in " + steps));
        assertThat(echo.attributes().get("kiln.step.cached")).isEqualTo(i == 1);
        assertThat(echo.startNanos()).isBetween(run.startNanos() - 1_000_000_000L, run.endNanos());
      }
    }
  }
}
