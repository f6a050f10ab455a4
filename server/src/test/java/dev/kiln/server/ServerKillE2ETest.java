package dev.kiln.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server killed (SIGKILL) while a run goes on on the engine and two wait in the queue, then
 * started again on the same data directory: the run it was running is interrupted, the queued ones
 * run, none twice, and the SQLite history is intact.
 */
@Tag("e2e")
class ServerKillE2ETest {
  static final String TOKEN = "kill-token-0123456789";
  static final WebhookSecret SECRET = WebhookSecret.of("kill-secret");

  @TempDir Path dir;

  @Test
  void aKilledServerLeavesItsRunInterruptedAndRunsTheQueuedOnesWhenStartedAgain() throws Exception {
    ServerE2ETest.requireEngine();
    try (GitFixture git = new GitFixture(dir.resolve("repo"))) {
      String commit = git.commit(Map.of("pipeline.pkl", """
          amends ".kiln/schema/Pipeline.pkl"
          local busybox = container.from("busybox:latest")
          tasks {
            ["slow"] { run = busybox.withExec(List("sh", "-c", "echo slow-started %d; sleep 300")) }
            ["quick"] { run = busybox.withExec(List("sh", "-c", "echo quick %d")) }
          }
          triggers {
            new Push { branches { "slow" }; tasks { "slow" } }
            new Push { branches { "main" }; tasks { "quick" } }
          }
          """.formatted(System.nanoTime(), System.nanoTime())), "pipeline");
      git.branch("slow");
      Path data = Files.createDirectories(dir.resolve("data"));
      Process first = start(data, git);
      long slow;
      long queued1;
      long queued2;
      try {
        ServerClient client = client(data);
        slow = ServerClient.runId(client.push("slow", null, commit, "d-slow", SECRET));
        // the slow task runs on the engine: its first line is in the history
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!client.get("/api/runs/" + slow + "/logs?task=slow&limit=1000").body().contains("slow-started")) {
          assertThat(System.nanoTime()).as("the slow task never started").isLessThan(deadline);
          Thread.sleep(200);
        }
        queued1 = ServerClient.runId(client.push("main", null, commit, "d-q1", SECRET));
        queued2 = ServerClient.runId(client.push("main", null, commit, "d-q2", SECRET));
        assertThat(client.json("/api/runs/" + queued2).path("status").asText()).isEqualTo("queued");
      } finally {
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no last write
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      Files.delete(data.resolve("port"));

      Process second = start(data, git);
      try {
        ServerClient client = client(data);
        assertThat(client.json("/api/runs/" + slow).path("status").asText()).isEqualTo("interrupted");
        for (long id : List.of(queued1, queued2)) {
          assertThat(client.awaitFinished(id, Duration.ofMinutes(3)).path("status").asText()).isEqualTo("succeeded");
        }
        // a delivery sent again is still the same run; there are three runs, one per delivery
        assertThat(ServerClient.runId(client.push("main", null, commit, "d-q1", SECRET))).isEqualTo(queued1);
        assertThat(client.json("/api/runs")).hasSize(3);
      } finally {
        second.destroy();
        second.waitFor(30, TimeUnit.SECONDS);
      }
      try (var c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("history.db"));
          var r = c.createStatement().executeQuery("PRAGMA integrity_check")) {
        assertThat(r.next()).isTrue();
        assertThat(r.getString(1)).isEqualTo("ok");
      }
    }
  }

  private static Process start(Path data, GitFixture git) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), ServerProcess.class.getName(), data.toString(), git.dir.toString(), TOKEN,
        "kill-secret").redirectErrorStream(true).redirectOutput(data.resolve("server.log").toFile()).start();
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (!Files.exists(data.resolve("port"))) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new AssertionError("the server did not start: " + Files.readString(data.resolve("server.log")));
      }
      Thread.sleep(100);
    }
    return p;
  }

  private static ServerClient client(Path data) throws Exception {
    return new ServerClient(URI.create("http://127.0.0.1:" + Files.readString(data.resolve("port")).strip()), TOKEN,
        SECRET);
  }
}
