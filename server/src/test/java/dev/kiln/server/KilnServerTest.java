package dev.kiln.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.kiln.testsupport.PostgresCluster;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server end to end except the engine: runs here are done by a stand-in that records what it was asked. */
class KilnServerTest {
  static final String TOKEN = "test-token-0123456789";
  static final WebhookSecret SECRET = WebhookSecret.of("s3cret-for-tests");
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String PIPELINE = """
      amends ".kiln/schema/Pipeline.pkl"
      local class P extends Params { slow: Boolean = false }
      params = new P {}
      local busybox = container.from("busybox:latest")
      tasks {
        ["check"] { run = busybox.withExec(List("true")) }
        ["slow"] { run = busybox.withExec(List("true")) }
      }
      triggers {
        new Push { branches { "main"; "release/*" }; paths { "src/**"; "pipeline.pkl" } }
        new Push { branches { "slow/*" }; tasks { "slow" }; params { ["slow"] = true } }
        new PullRequest { branches { "main" } }
      }
      """;

  @TempDir Path dir;
  GitFixture git;
  final List<RunJob> jobs = Collections.synchronizedList(new ArrayList<>());
  EngineRuns engine = (job, events, cancel) -> {
    jobs.add(job);
    events.taskStarted("check");
    events.step("check", "sha256:1", true, true);
    events.step("check", "sha256:2", false, true);
    events.log("check", "#2 hello from " + job.pipeline().params().get(0).value());
    events.taskFinished("check", "succeeded", 12, null, null);
    return new RunOutcome(RunOutcome.OK, "1 succeeded, 0 failed");
  };
  KilnServer server;
  ServerClient client;
  String c0;
  String c1;

  @BeforeEach
  void repository() throws Exception {
    git = new GitFixture(dir.resolve("repo"));
    c0 = git.commit(Map.of("pipeline.pkl", PIPELINE, "README.md", "hi\n"), "pipeline");
    c1 = git.commit(Map.of("src/a.txt", "a\n"), "sources");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    git.close();
  }

  private ServerSettings.Builder settings() {
    return ServerSettings.builder(dir.resolve("data"), git.dir.toString(), TOKEN).setListen("127.0.0.1", 0)
        .setSecret(WebhookSource.GITHUB, SECRET);
  }

  private void start(ServerSettings.Builder settings) {
    server = KilnServer.start(settings.build(), engine, n -> { });
    client = new ServerClient(URI.create("http://127.0.0.1:" + server.port()), TOKEN, SECRET);
  }

  @Test
  void aSignedPushRunsTheCommitsPipelineAndAnUnsignedOneQueuesNothing() throws Exception {
    start(settings());
    assertThat(client.push("main", c0, c1, "d-unsigned", null).statusCode()).isEqualTo(401);
    assertThat(client.push("main", c0, c1, "d-wrong", WebhookSecret.of("not-the-secret")).statusCode()).isEqualTo(401);
    assertThat(client.json("/api/runs")).isEmpty();

    HttpResponse<String> accepted = client.push("main", c0, c1, "d-1", SECRET);
    assertThat(accepted.statusCode()).isEqualTo(202);
    long id = ServerClient.runId(accepted);
    JsonNode run = client.awaitFinished(id, WAIT);
    assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("succeeded");
    assertThat(run.path("exitCode").asInt()).isZero();
    assertThat(run.path("commit").asText()).isEqualTo(c1);
    assertThat(run.path("trigger").asText()).isEqualTo("push to main, release/* touching src/**, pipeline.pkl");
    JsonNode task = run.path("taskList").get(0);
    assertThat(task.path("name").asText()).isEqualTo("check");
    assertThat(task.path("steps").asInt()).isEqualTo(2);
    assertThat(task.path("cachedSteps").asInt()).isEqualTo(1);
    assertThat(client.json("/api/runs/" + id + "/logs?task=check").get(0).path("line").asText())
        .isEqualTo("#2 hello from false");
    // the exact commit was checked out, with its own pipeline, and the workspace removed afterwards
    assertThat(jobs).hasSize(1);
    assertThat(jobs.get(0).workspace()).doesNotExist();

    // GitHub re-sends a delivery: the same run, not a second one
    HttpResponse<String> again = client.push("main", c0, c1, "d-1", SECRET);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(ServerClient.runId(again)).isEqualTo(id);
    assertThat(client.json("/api/runs")).hasSize(1);
  }

  @Test
  void aServerKeepsItsHistoryInPostgresql() throws Exception {
    try (PostgresCluster cluster = PostgresCluster.startOrSkip()) {
      HistoryDatabase db = HistoryDatabase.of(cluster.newDatabase("server"), PostgresCluster.PASSWORD);
      start(settings().setHistory(db));
      long id = ServerClient.runId(client.push("main", c0, c1, "d-pg", SECRET));
      assertThat(client.awaitFinished(id, WAIT).path("status").asText()).isEqualTo("succeeded");
      server.close();
      // another server on the same database: the run, its tasks and its output are there, the delivery known
      start(settings().setHistory(db));
      JsonNode run = client.json("/api/runs/" + id);
      assertThat(run.path("commit").asText()).isEqualTo(c1);
      assertThat(run.path("taskList").get(0).path("cachedSteps").asInt()).isEqualTo(1);
      assertThat(client.json("/api/runs/" + id + "/logs?task=check").get(0).path("line").asText())
          .isEqualTo("#2 hello from false");
      assertThat(client.push("main", c0, c1, "d-pg", SECRET).statusCode()).isEqualTo(200);
      assertThat(jobs).hasSize(1);
      server.close();
      server = null;
    }
  }

  @Test
  void aRunsTaskGraphAndTheCacheHitRateAreOnThePage() throws Exception {
    String graph = git.commit(Map.of("pipeline.pkl", """
        amends ".kiln/schema/Pipeline.pkl"
        local busybox = container.from("busybox:latest")
        tasks {
          ["build"] { run = busybox.withExec(List("true")) }
          ["test"] { dependsOn { "build" }; run = busybox.withExec(List("true")) }
          ["lint"] { run = busybox.withExec(List("true")) }
          ["deploy"] { dependsOn { "test"; "lint" }; run = busybox.withExec(List("true")) }
        }
        triggers { new Push { branches { "main" }; tasks { "test" } } }
        """), "a graph");
    engine = (job, events, cancel) -> {
      events.taskStarted("build");
      events.step("build", "sha256:b1", true, true);
      events.step("build", "sha256:b2", true, true);
      events.taskFinished("build", "succeeded", 40, null, null);
      events.taskStarted("test");
      events.step("test", "sha256:t1", false, true);
      events.step("test", "sha256:t2", true, true);
      events.taskFinished("test", "failed", 1200, 3, "exit code 3");
      return new RunOutcome(RunOutcome.TASK_FAILED, "1 succeeded, 1 failed");
    };
    start(settings());
    long id = ServerClient.runId(client.push("main", c1, graph, "d-graph", SECRET));
    JsonNode run = client.awaitFinished(id, WAIT);
    // the trigger asks for test: the run's graph is test and what it needs, not lint or deploy
    assertThat(run.path("taskList").findValuesAsText("name")).containsExactly("build", "test");
    assertThat(run.path("taskList").get(1).path("dependsOn").get(0).asText()).isEqualTo("build");
    String page = client.get("/runs/" + id).body();
    assertThat(page).contains("<g class=\"node succeeded\" data-task=\"build\">")
        .contains("<g class=\"node failed\" data-task=\"test\">")
        .contains("<line class=edge data-from=\"build\" data-to=\"test\"")
        .contains("failed · 1.2s · 1/2 cached");
    // 3 of the run's 4 steps came from the cache
    JsonNode hits = client.json("/api/cache-hits");
    assertThat(hits).hasSize(1);
    assertThat(hits.get(0).path("rate").asDouble()).isEqualTo(0.75);
    assertThat(client.get("/").body()).contains("3 of 4 steps (75%) came from the cache over the last 1 runs.")
        .contains("<circle class=point data-run=" + id + " data-rate=\"0.750\"");
  }

  @Test
  void branchAndPathFiltersDecideAndATriggerSetsTasksAndParameters() throws Exception {
    start(settings());
    String readme = git.commit(Map.of("README.md", "changed\n"), "docs only");
    long docs = ServerClient.runId(client.push("main", c1, readme));
    assertThat(client.awaitFinished(docs, WAIT).path("status").asText()).isEqualTo("skipped");
    long dev = ServerClient.runId(client.push("dev", c0, c1));
    assertThat(client.awaitFinished(dev, WAIT).path("status").asText()).isEqualTo("skipped");
    git.branch("release/1");
    String release = git.commit(Map.of("src/b.txt", "b\n"), "release fix");
    long rel = ServerClient.runId(client.push("release/1", readme, release));
    assertThat(client.awaitFinished(rel, WAIT).path("status").asText()).isEqualTo("succeeded");
    // a new branch has nothing to compare with: its push runs
    git.branch("slow/x");
    long slow = ServerClient.runId(client.push("slow/x", null, release));
    JsonNode run = client.awaitFinished(slow, WAIT);
    assertThat(run.path("status").asText()).isEqualTo("succeeded");
    assertThat(run.path("tasks").get(0).asText()).isEqualTo("slow");
    assertThat(run.path("params").path("slow").asText()).isEqualTo("true");
    assertThat(jobs).hasSize(2);
    assertThat(jobs.get(1).tasks()).containsExactly("slow");
    assertThat(jobs.get(1).pipeline().params().get(0).value()).isEqualTo(true);
  }

  @Test
  void pullRequestsRunWithoutTheServersEnvironmentUnlessAllowed() throws Exception {
    start(settings().setEnvironment(Map.of("DEPLOY_TOKEN", "server-secret")));
    git.branch("feature");
    String head = git.commit(Map.of("src/f.txt", "f\n"), "feature");
    long pr = ServerClient.runId(client.pullRequest(5, "main", c1, head));
    JsonNode run = client.awaitFinished(pr, WAIT);
    assertThat(run.path("status").asText()).isEqualTo("succeeded");
    assertThat(run.path("event").asText()).isEqualTo("pull_request");
    assertThat(run.path("pullRequest").asLong()).isEqualTo(5);
    assertThat(run.path("commit").asText()).isEqualTo(head);
    long push = ServerClient.runId(client.push("main", c0, c1));
    client.awaitFinished(push, WAIT);
    assertThat(jobs.get(0).environment()).isEmpty();
    assertThat(jobs.get(1).environment()).containsEntry("DEPLOY_TOKEN", "server-secret");
  }

  @Test
  void aNewerPushToABranchCancelsTheOlderRun() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    engine = (job, events, cancel) -> {
      CountDownLatch stopped = new CountDownLatch(1);
      cancel.onCancel(stopped::countDown);
      started.countDown();
      try {
        if (stopped.await(20, TimeUnit.SECONDS)) {
          release.await(20, TimeUnit.SECONDS); // as an engine takes a moment to stop its solves
          return new RunOutcome(RunOutcome.CANCELLED, cancel.reason());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new RunOutcome(RunOutcome.OK, "done");
    };
    start(settings().setRuns(1, true));
    String c2 = git.commit(Map.of("src/a.txt", "a2\n"), "more");
    String c3 = git.commit(Map.of("src/a.txt", "a3\n"), "even more");
    long first = ServerClient.runId(client.push("main", c0, c1));
    assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
    long second = ServerClient.runId(client.push("main", c1, c2));
    long third = ServerClient.runId(client.push("main", c2, c3));
    release.countDown();
    JsonNode a = client.awaitFinished(first, WAIT);
    assertThat(a.path("status").asText()).isEqualTo("cancelled");
    assertThat(a.path("message").asText()).isEqualTo("superseded by run " + second);
    // the second was still queued when the third came: it never started
    JsonNode b = client.awaitFinished(second, WAIT);
    assertThat(b.path("status").asText()).isEqualTo("cancelled");
    assertThat(b.path("message").asText()).isEqualTo("superseded by run " + third);
    assertThat(b.path("startedAt").isNull()).isTrue();
    client.awaitStatus(third, "running", WAIT);
  }

  @Test
  void commitStatusesArePostedInGithubsFormat() throws Exception {
    List<String> posts = Collections.synchronizedList(new ArrayList<>());
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/", exchange -> {
      posts.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
          + exchange.getRequestHeaders().getFirst("Authorization") + " "
          + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(201, -1);
      exchange.close();
    });
    receiver.start();
    try {
      start(settings().setStatuses("http://127.0.0.1:" + receiver.getAddress().getPort()
          + "/repos/kiln/test/statuses/{sha}", "status-token").setPublicUrl(URI.create("https://ci.example.com/")));
      long id = ServerClient.runId(client.push("main", c0, c1));
      client.awaitFinished(id, WAIT);
      // the final status follows the history's record of the end (a slow receiver does not delay it)
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (posts.size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(posts).hasSize(2);
      JsonNode pending = ServerClient.JSON.readTree(posts.get(0).substring(posts.get(0).indexOf('{')));
      assertThat(posts.get(0)).startsWith("POST /repos/kiln/test/statuses/" + c1 + " Bearer status-token ");
      assertThat(pending.path("state").asText()).isEqualTo("pending");
      assertThat(pending.path("context").asText()).isEqualTo("kiln");
      assertThat(pending.path("target_url").asText()).isEqualTo("https://ci.example.com/runs/" + id);
      JsonNode success = ServerClient.JSON.readTree(posts.get(1).substring(posts.get(1).indexOf('{')));
      assertThat(success.path("state").asText()).isEqualTo("success");
    } finally {
      receiver.stop(0);
    }
  }

  @Test
  void aRestartedServerRunsTheQueuedRunsItFinds() throws Exception {
    java.nio.file.Files.createDirectories(dir.resolve("data"));
    try (RunStore store = RunStore.open(HistoryDatabase.sqlite(dir.resolve("data").resolve("history.db")))) {
      // what a server killed with runs waiting leaves behind
      store.accept(NewRun.of(WebhookSource.GITHUB, "d-left", new RepositoryEvent.Push("main", c0, c1)),
          java.time.Instant.now());
    }
    start(settings());
    assertThat(client.awaitFinished(1, WAIT).path("status").asText()).isEqualTo("succeeded");
  }

  @Test
  void thePageTheApiAndMetricsNeedTheTokenHooksAndHealthDoNot() throws Exception {
    start(settings());
    var http = client.http;
    assertThat(http.send(HttpRequest.newBuilder(client.base.resolve("/")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    assertThat(http.send(HttpRequest.newBuilder(client.base.resolve("/api/runs")).header("Authorization",
        "Bearer wrong").build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    assertThat(http.send(HttpRequest.newBuilder(client.base.resolve("/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    assertThat(http.send(HttpRequest.newBuilder(client.base.resolve("/healthz")).build(),
        HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("ok\n");
    HttpResponse<String> login = http.send(HttpRequest.newBuilder(client.base.resolve("/?token=" + TOKEN)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).isEqualTo(302);
    String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict");

    long id = ServerClient.runId(client.push("main", c0, c1));
    client.awaitFinished(id, WAIT);
    client.push("main", c0, c1, "d-bad", WebhookSecret.of("nope"));
    String page = http.send(HttpRequest.newBuilder(client.base.resolve("/?branch=main")).header("Cookie",
        cookie.substring(0, cookie.indexOf(';'))).build(), HttpResponse.BodyHandlers.ofString()).body();
    assertThat(page).contains("href=\"/runs/" + id + "\"").contains("class=succeeded");
    assertThat(client.get("/?status=failed").body()).contains("No runs yet.");
    assertThat(client.get("/runs/" + id).body()).contains("data-task=\"check\"").contains("EventSource");
    String metrics = client.get("/metrics").body();
    assertThat(metrics).contains("kiln_webhook_deliveries_total{outcome=\"accepted\"} 1")
        .contains("kiln_webhook_deliveries_total{outcome=\"unauthorized\"} 1")
        .contains("kiln_runs{status=\"succeeded\"} 1");
    // the finished run's events: its lines, its tasks, its status, then the end
    String events = http.send(HttpRequest.newBuilder(client.base.resolve("/api/runs/" + id + "/events"))
        .header("Authorization", "Bearer " + TOKEN).header("Accept", "text/event-stream").build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertThat(events).contains("event: line").contains("hello from false").contains("event: tasks")
        .contains("event: status\ndata: succeeded").contains("event: end");
  }
}
