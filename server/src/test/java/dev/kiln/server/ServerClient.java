package dev.kiln.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** Talks to a test server as GitHub and as a user of the API would. */
final class ServerClient {
  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();
  final URI base;
  final String token;
  final WebhookSecret secret;

  ServerClient(URI base, String token, WebhookSecret secret) {
    this.base = base;
    this.token = token;
    this.secret = secret;
  }

  /** A push as GitHub delivers it, signed with {@code signWith} (null: no signature). */
  HttpResponse<String> push(String branch, String before, String after, String delivery, WebhookSecret signWith)
      throws IOException, InterruptedException {
    String body = "{\"ref\":\"refs/heads/" + branch + "\",\"before\":\"" + (before == null ? "0".repeat(40) : before)
        + "\",\"after\":\"" + after + "\",\"repository\":{\"full_name\":\"kiln/test\"}}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve("/hooks/github"))
        .header("Content-Type", "application/json").header("X-GitHub-Event", "push")
        .header("X-GitHub-Delivery", delivery != null ? delivery : UUID.randomUUID().toString())
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
    if (signWith != null) {
      r.header("X-Hub-Signature-256", signWith.signature(bytes));
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A pull request opened into {@code target}, as GitHub delivers it, signed. */
  HttpResponse<String> pullRequest(long number, String target, String baseCommit, String head)
      throws IOException, InterruptedException {
    String body = "{\"action\":\"opened\",\"number\":" + number + ",\"pull_request\":{\"number\":" + number
        + ",\"base\":{\"ref\":\"" + target + "\",\"sha\":\"" + baseCommit + "\"},\"head\":{\"sha\":\"" + head + "\"}}}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return http.send(HttpRequest.newBuilder(base.resolve("/hooks/github")).header("X-GitHub-Event", "pull_request")
        .header("X-GitHub-Delivery", UUID.randomUUID().toString()).header("X-Hub-Signature-256", secret.signature(bytes))
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> push(String branch, String before, String after) throws IOException, InterruptedException {
    return push(branch, before, after, null, secret);
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  JsonNode json(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = get(path);
    if (r.statusCode() != 200) {
      throw new IOException(path + " answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  /** Waits until run {@code id} has finished; returns it with its tasks. */
  JsonNode awaitFinished(long id, Duration timeout) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      JsonNode run = json("/api/runs/" + id);
      String status = run.path("status").asText();
      if (!status.equals("queued") && !status.equals("running")) {
        return run;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("run " + id + " still " + status + " after " + timeout);
      }
      Thread.sleep(50);
    }
  }

  /** Waits until run {@code id} has status {@code status}. */
  void awaitStatus(long id, String status, Duration timeout) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (!json("/api/runs/" + id).path("status").asText().equals(status)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("run " + id + " never " + status);
      }
      Thread.sleep(20);
    }
  }

  static long runId(HttpResponse<String> accepted) throws IOException {
    return JSON.readTree(accepted.body()).path("run").asLong();
  }
}
