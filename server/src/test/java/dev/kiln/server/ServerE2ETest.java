package dev.kiln.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.executor.trace.Tracing;
import dev.kiln.model.FunctionRegistry;
import dev.kiln.testsupport.OtlpReceiver;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kiln serve on the real engine: signed pushes run busybox tasks through the executor, as kiln run does. */
@Tag("e2e")
class ServerE2ETest {
  static final String TOKEN = "e2e-token-0123456789";
  static final WebhookSecret SECRET = WebhookSecret.of("e2e-secret");

  @TempDir Path dir;

  static void requireEngine() {
    if (!Files.exists(Path.of("/var/run/docker.sock"))) {
      String why = "no Docker daemon at /var/run/docker.sock (start one with: sudo scripts/engine-up.sh)";
      if ("true".equals(System.getenv("CI"))) {
        fail(why);
      }
      assumeTrue(false, why);
    }
  }

  @Test
  void aSignedPushRunsTheCommitOnTheEngineAndTheHistoryKeepsItsOutput() throws Exception {
    requireEngine();
    String marker = "kiln-serve-e2e-" + System.nanoTime();
    try (GitFixture git = new GitFixture(dir.resolve("repo"))) {
      String c0 = git.commit(Map.of("pipeline.pkl", """
          amends ".kiln/schema/Pipeline.pkl"
          local busybox = container.from("busybox:latest")
          local sources = host.directory("src")
          tasks {
            ["greet"] {
              run = busybox.withDirectory("/src", sources)
                .withExec(List("sh", "-c", "cat /src/name.txt; echo %s; echo second line"))
            }
            ["fail"] { run = busybox.withExec(List("sh", "-c", "echo about to fail; exit 3")) }
          }
          triggers {
            new Push { branches { "main" }; tasks { "greet" } }
            new Push { branches { "broken" }; tasks { "fail" } }
          }
          """.formatted(marker), "src/name.txt", "hello from the commit\n"), "pipeline");
      ServerSettings settings = ServerSettings.builder(dir.resolve("data"), git.dir.toString(), TOKEN)
          .setListen("127.0.0.1", 0).setSecret(WebhookSource.GITHUB, SECRET).build();
      try (OtlpReceiver otlp = new OtlpReceiver();
          Tracing tracing = Tracing.fromEnvironment(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint(),
              "OTEL_BSP_SCHEDULE_DELAY", "200"));
          KilnServer server = KilnServer.start(settings, new ExecutorRuns(null, 2, FunctionRegistry::builtIn,
              tracing), n -> { })) {
        ServerClient client = new ServerClient(URI.create("http://127.0.0.1:" + server.port()), TOKEN, SECRET);
        long id = ServerClient.runId(client.push("main", null, c0));
        JsonNode run = client.awaitFinished(id, Duration.ofMinutes(3));
        assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("succeeded");
        JsonNode task = run.path("taskList").get(0);
        assertThat(task.path("name").asText()).isEqualTo("greet");
        assertThat(task.path("status").asText()).isEqualTo("succeeded");
        assertThat(task.path("steps").asInt()).isPositive();
        String log = lines(client.json("/api/runs/" + id + "/logs?task=greet&limit=1000"));
        assertThat(log).contains("hello from the commit").contains(marker).contains("second line");

        // the same commit again: the copy and the command come from the engine's cache (the local source is
        // sent again, which BuildKit does not report as cached; the image is reported cached or not depending
        // on what else the engine resolved meanwhile)
        long again = ServerClient.runId(client.push("main", null, c0));
        JsonNode cached = client.awaitFinished(again, Duration.ofMinutes(3));
        assertThat(cached.path("status").asText()).isEqualTo("succeeded");
        JsonNode t = cached.path("taskList").get(0);
        String cachedLog = lines(client.json("/api/runs/" + again + "/logs?task=greet&limit=1000"));
        assertThat(t.path("cachedSteps").asInt()).as(cachedLog).isBetween(2, 3);
        assertThat(cachedLog).contains("CACHED sh -c cat /src/name.txt").doesNotContain("hello from the commit");

        git.branch("broken");
        long broken = ServerClient.runId(client.push("broken", null, c0));
        JsonNode failed = client.awaitFinished(broken, Duration.ofMinutes(3));
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("exitCode").asInt()).isEqualTo(1);
        assertThat(failed.path("taskList").get(0).path("exitCode").asInt()).isEqualTo(3);
        assertThat(lines(client.json("/api/runs/" + broken + "/logs?limit=1000"))).contains("about to fail");

        // each run is a trace exported over OTLP: the run, its task, the task's steps as the engine timed them
        List<OtlpReceiver.Span> spans = otlp.await(all -> all.stream().filter(x -> x.name().equals("kiln serve run"))
            .count() == 3 && all.stream().filter(x -> x.name().equals("fail")).count() == 1, Duration.ofMinutes(1));
        OtlpReceiver.Span second = spans.stream().filter(x -> x.name().equals("kiln serve run")
            && x.attributes().get("kiln.run.id").equals(Long.toString(again))).findFirst().orElseThrow();
        assertThat(second.attributes()).containsEntry("kiln.run.commit", c0).containsEntry("kiln.run.event", "push")
            .containsEntry("kiln.run.branch", "main").containsEntry("kiln.tasks", "greet");
        assertThat(second.isError()).isFalse();
        OtlpReceiver.Span greet = spans.stream().filter(x -> x.name().equals("greet")
            && x.parentId().equals(second.spanId())).findFirst().orElseThrow();
        List<OtlpReceiver.Span> steps = spans.stream().filter(x -> x.parentId().equals(greet.spanId())).toList();
        assertThat(steps).filteredOn(x -> Boolean.TRUE.equals(x.attributes().get("kiln.step.cached")))
            .extracting(OtlpReceiver.Span::name).anySatisfy(n -> assertThat(n).contains("sh -c cat /src/name.txt"));
        assertThat(steps).allSatisfy(x -> assertThat(x.endNanos()).isGreaterThanOrEqualTo(x.startNanos()));
        OtlpReceiver.Span fail = spans.stream().filter(x -> x.name().equals("fail")).findFirst().orElseThrow();
        assertThat(fail.isError()).isTrue();
        assertThat(fail.attributes()).containsEntry("kiln.task.status", "failed");
      }
    }
  }

  private static String lines(JsonNode array) {
    return String.join("\n", StreamSupport.stream(array.spliterator(), false).map(l -> l.path("line").asText())
        .toList());
  }
}
