package dev.kiln.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A kind of webhook sender: how it proves a delivery is genuine, names the delivery, and describes
 * what happened. Header names are lower case. {@link #event} returns empty for events Kiln does not
 * run for (GitHub's {@code ping}, tags, deleted branches, closed pull requests).
 */
public enum WebhookSource {
  /** GitHub: {@code X-Hub-Signature-256} HMAC, {@code X-GitHub-Event}, {@code X-GitHub-Delivery}. */
  GITHUB("github") {
    @Override
    boolean genuine(Map<String, String> headers, byte[] body, WebhookSecret secret) {
      return secret.signs(body, headers.get("x-hub-signature-256"));
    }

    @Override
    String deliveryHeader() {
      return "x-github-delivery";
    }

    @Override
    Optional<RepositoryEvent> event(Map<String, String> headers, JsonNode body) {
      String type = headers.getOrDefault("x-github-event", "");
      if (type.equals("push")) {
        return push(body.path("ref").asText(), body.path("before").asText(), body.path("after").asText());
      }
      if (type.equals("pull_request") && PR_ACTIONS.contains(body.path("action").asText())) {
        JsonNode pr = body.path("pull_request");
        return Optional.of(new RepositoryEvent.PullRequest(pr.path("number").asLong(body.path("number").asLong()),
            pr.path("base").path("ref").asText(), commitOrNull(pr.path("base").path("sha").asText()),
            pr.path("head").path("sha").asText()));
      }
      return Optional.empty();
    }
  },

  /** GitLab: the secret itself in {@code X-Gitlab-Token}, {@code X-Gitlab-Event}, {@code X-Gitlab-Event-UUID}. */
  GITLAB("gitlab") {
    @Override
    boolean genuine(Map<String, String> headers, byte[] body, WebhookSecret secret) {
      return secret.is(headers.get("x-gitlab-token"));
    }

    @Override
    String deliveryHeader() {
      return "x-gitlab-event-uuid";
    }

    @Override
    Optional<RepositoryEvent> event(Map<String, String> headers, JsonNode body) {
      String type = headers.getOrDefault("x-gitlab-event", "");
      if (type.equals("Push Hook")) {
        return push(body.path("ref").asText(), body.path("before").asText(), body.path("after").asText());
      }
      JsonNode mr = body.path("object_attributes");
      if (type.equals("Merge Request Hook") && MR_ACTIONS.contains(mr.path("action").asText())) {
        return Optional.of(new RepositoryEvent.PullRequest(mr.path("iid").asLong(), mr.path("target_branch").asText(),
            null, mr.path("last_commit").path("id").asText()));
      }
      return Optional.empty();
    }
  },

  /**
   * Any other sender: {@code X-Kiln-Signature-256} (HMAC-SHA256, as GitHub's), {@code X-Kiln-Delivery},
   * and a body {@code {"event": "push", "branch": ..., "commit": ..., "before": ...}} or
   * {@code {"event": "pull_request", "number": ..., "branch": <target>, "commit": <head>, "base": ...}}.
   */
  GENERIC("generic") {
    @Override
    boolean genuine(Map<String, String> headers, byte[] body, WebhookSecret secret) {
      return secret.signs(body, headers.get("x-kiln-signature-256"));
    }

    @Override
    String deliveryHeader() {
      return "x-kiln-delivery";
    }

    @Override
    Optional<RepositoryEvent> event(Map<String, String> headers, JsonNode body) {
      String type = body.path("event").asText();
      String commit = body.path("commit").asText();
      if (type.equals("push")) {
        return Optional.of(new RepositoryEvent.Push(body.path("branch").asText(),
            commitOrNull(body.path("before").asText()), commit));
      }
      if (type.equals("pull_request")) {
        return Optional.of(new RepositoryEvent.PullRequest(body.path("number").asLong(), body.path("branch").asText(),
            commitOrNull(body.path("base").asText()), commit));
      }
      return Optional.empty();
    }
  };

  private static final Set<String> PR_ACTIONS = Set.of("opened", "reopened", "synchronize");
  private static final Set<String> MR_ACTIONS = Set.of("open", "reopen", "update");
  private static final String NO_COMMIT = "0".repeat(40);

  private final String path;

  WebhookSource(String path) {
    this.path = path;
  }

  /** The last segment of this sender's endpoint, {@code /hooks/<path>}. */
  public String path() {
    return path;
  }

  /** Whether the delivery is signed (or carries the token) with {@code secret}. */
  abstract boolean genuine(Map<String, String> headers, byte[] body, WebhookSecret secret);

  /** The header naming the delivery, which the sender repeats when it re-sends it. */
  abstract String deliveryHeader();

  /**
   * What happened, or empty for an event Kiln does not run for.
   *
   * @throws IllegalArgumentException when a field Kiln needs is missing or malformed
   */
  abstract Optional<RepositoryEvent> event(Map<String, String> headers, JsonNode body);

  /** A push to a branch; empty for tags and deleted branches. */
  private static Optional<RepositoryEvent> push(String ref, String before, String after) {
    if (!ref.startsWith("refs/heads/") || after.equals(NO_COMMIT)) {
      return Optional.empty();
    }
    return Optional.of(new RepositoryEvent.Push(ref.substring("refs/heads/".length()), commitOrNull(before), after));
  }

  private static String commitOrNull(String commit) {
    return commit == null || commit.isEmpty() || commit.equals(NO_COMMIT) ? null : commit;
  }
}
