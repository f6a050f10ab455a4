package dev.kiln.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * Reports runs as commit statuses in GitHub's statuses API format: {@code POST} of {@code {"state",
 * "target_url", "description", "context": "kiln"}} to a URL naming the commit (for GitHub,
 * {@code https://api.github.com/repos/OWNER/REPO/statuses/{sha}}), with a bearer token.
 */
final class CommitStatuses {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** GitHub's states. */
  enum State {
    PENDING, SUCCESS, FAILURE, ERROR
  }

  private final String urlTemplate;
  private final String token;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** @param urlTemplate the URL with {@code {sha}} for the commit */
  CommitStatuses(String urlTemplate, String token) {
    this.urlTemplate = urlTemplate;
    this.token = token;
  }

  /**
   * Posts one status; the answer must be 2xx.
   *
   * @throws IOException when the receiver cannot be reached or refuses it
   */
  void report(String commit, State state, String description, URI target) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("state", state.name().toLowerCase(Locale.ROOT));
    body.put("target_url", target.toString());
    // GitHub keeps 140 characters of a description
    body.put("description", description.length() > 140 ? description.substring(0, 137) + "..." : description);
    body.put("context", "kiln");
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(urlTemplate.replace("{sha}", commit)))
        .timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/json")
        .header("Accept", "application/vnd.github+json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() / 100 != 2) {
        throw new IOException("the status receiver answered " + answer.statusCode());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reporting a status", e);
    }
  }
}
