package dev.kiln.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookSourceTest {
  static final String A = "a".repeat(40);
  static final String B = "b".repeat(40);
  private static final WebhookSecret SECRET = WebhookSecret.of("It's a Secret to Everybody");

  @Test
  void githubSignaturesAreHmacSha256OfTheBody() {
    // GitHub's documented example: secret "It's a Secret to Everybody", payload "Hello, World!"
    byte[] body = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    String documented = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    assertThat(SECRET.signature(body)).isEqualTo(documented);
    assertThat(WebhookSource.GITHUB.genuine(Map.of("x-hub-signature-256", documented), body, SECRET)).isTrue();
    assertThat(WebhookSource.GITHUB.genuine(Map.of("x-hub-signature-256", documented.replace('7', '8')), body, SECRET))
        .isFalse();
    assertThat(WebhookSource.GITHUB.genuine(Map.of(), body, SECRET)).isFalse();
    assertThat(WebhookSource.GITHUB.genuine(Map.of("x-hub-signature-256", "sha256=zz"), body, SECRET)).isFalse();
    assertThat(WebhookSource.GITHUB.genuine(Map.of("x-hub-signature-256", "sha1=" + documented.substring(7)), body,
        SECRET)).isFalse();
    // a signature of another body does not pass
    assertThat(WebhookSource.GITHUB.genuine(Map.of("x-hub-signature-256", documented), "Hello, World?".getBytes(
        StandardCharsets.UTF_8), SECRET)).isFalse();
  }

  @Test
  void gitlabSendsTheTokenItselfAndGenericSignsLikeGithub() {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    assertThat(WebhookSource.GITLAB.genuine(Map.of("x-gitlab-token", "It's a Secret to Everybody"), body, SECRET))
        .isTrue();
    assertThat(WebhookSource.GITLAB.genuine(Map.of("x-gitlab-token", "It's a secret to everybody"), body, SECRET))
        .isFalse();
    assertThat(WebhookSource.GITLAB.genuine(Map.of(), body, SECRET)).isFalse();
    assertThat(WebhookSource.GENERIC.genuine(Map.of("x-kiln-signature-256", SECRET.signature(body)), body, SECRET))
        .isTrue();
    assertThat(WebhookSource.GENERIC.genuine(Map.of("x-hub-signature-256", SECRET.signature(body)), body, SECRET))
        .isFalse();
    assertThat(SECRET.toString()).doesNotContain("Secret to");
  }

  @Test
  void githubPushesAndPullRequests() throws Exception {
    var push = WebhookSource.GITHUB.event(Map.of("x-github-event", "push"),
        json("{\"ref\":\"refs/heads/release/1.2\",\"before\":\"" + A + "\",\"after\":\"" + B + "\"}"));
    assertThat(push).contains(new RepositoryEvent.Push("release/1.2", A, B));
    var newBranch = WebhookSource.GITHUB.event(Map.of("x-github-event", "push"),
        json("{\"ref\":\"refs/heads/x\",\"before\":\"" + "0".repeat(40) + "\",\"after\":\"" + B + "\"}"));
    assertThat(newBranch).contains(new RepositoryEvent.Push("x", null, B));
    // tags, deleted branches, pings and closed pull requests run nothing
    assertThat(WebhookSource.GITHUB.event(Map.of("x-github-event", "push"),
        json("{\"ref\":\"refs/tags/v1\",\"before\":\"" + A + "\",\"after\":\"" + B + "\"}"))).isEmpty();
    assertThat(WebhookSource.GITHUB.event(Map.of("x-github-event", "push"),
        json("{\"ref\":\"refs/heads/x\",\"before\":\"" + A + "\",\"after\":\"" + "0".repeat(40) + "\"}"))).isEmpty();
    assertThat(WebhookSource.GITHUB.event(Map.of("x-github-event", "ping"), json("{\"zen\":\"hi\"}"))).isEmpty();
    String pr = "{\"action\":\"%s\",\"number\":7,\"pull_request\":{\"number\":7,\"base\":{\"ref\":\"main\",\"sha\":\""
        + A + "\"},\"head\":{\"ref\":\"feature\",\"sha\":\"" + B + "\"}}}";
    assertThat(WebhookSource.GITHUB.event(Map.of("x-github-event", "pull_request"), json(pr.formatted("synchronize"))))
        .contains(new RepositoryEvent.PullRequest(7, "main", A, B));
    assertThat(WebhookSource.GITHUB.event(Map.of("x-github-event", "pull_request"), json(pr.formatted("closed"))))
        .isEmpty();
    // a push without a commit is malformed, not ignored
    assertThatThrownBy(() -> WebhookSource.GITHUB.event(Map.of("x-github-event", "push"),
        json("{\"ref\":\"refs/heads/main\",\"after\":\"HEAD\"}"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void gitlabAndGenericEvents() throws Exception {
    assertThat(WebhookSource.GITLAB.event(Map.of("x-gitlab-event", "Push Hook"),
        json("{\"ref\":\"refs/heads/main\",\"before\":\"" + A + "\",\"after\":\"" + B + "\"}")))
        .contains(new RepositoryEvent.Push("main", A, B));
    assertThat(WebhookSource.GITLAB.event(Map.of("x-gitlab-event", "Merge Request Hook"),
        json("{\"object_attributes\":{\"iid\":3,\"action\":\"update\",\"target_branch\":\"main\","
            + "\"last_commit\":{\"id\":\"" + B + "\"}}}")))
        .contains(new RepositoryEvent.PullRequest(3, "main", null, B));
    assertThat(WebhookSource.GENERIC.event(Map.of(),
        json("{\"event\":\"push\",\"branch\":\"main\",\"commit\":\"" + B + "\"}")))
        .contains(new RepositoryEvent.Push("main", null, B));
  }

  private static com.fasterxml.jackson.databind.JsonNode json(String s) throws Exception {
    return new ObjectMapper().readTree(s);
  }
}
