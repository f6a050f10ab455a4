package dev.kiln.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Takes webhook deliveries: checks the body's size and signature before reading it, ignores events
 * Kiln does not run for, de-duplicates by delivery id (a delivery without one by its body's
 * SHA-256), and queues a run. Nothing is queued for a delivery that is not genuine.
 */
final class WebhookReceiver {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The HTTP answer to a delivery. */
  record Answer(int status, String body) {}

  private final ServerSettings settings;
  private final RunStore store;
  private final RunQueue queue;
  private final Metrics metrics;
  private final Clock clock;

  WebhookReceiver(ServerSettings settings, RunStore store, RunQueue queue, Metrics metrics, Clock clock) {
    this.settings = settings;
    this.store = store;
    this.queue = queue;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** @param headers the request's headers, names in lower case */
  Answer receive(WebhookSource source, Map<String, String> headers, byte[] body) {
    WebhookSecret secret = settings.secret(source);
    if (secret == null) {
      return answer("not_found", 404, "no " + source.path() + " hook: the server has no secret for it");
    }
    if (body.length > settings.maxBodyBytes()) {
      return answer("too_large", 413, "the body is larger than " + settings.maxBodyBytes() + " bytes");
    }
    if (!source.genuine(headers, body, secret)) {
      return answer("unauthorized", 401, "the signature or token does not match this server's secret");
    }
    Optional<RepositoryEvent> event;
    try {
      JsonNode json = JSON.readTree(body);
      if (json == null || !json.isObject()) {
        return answer("invalid", 400, "the body is not a JSON object");
      }
      event = source.event(headers, json);
    } catch (IOException | IllegalArgumentException e) {
      return answer("invalid", 400, "the delivery cannot be read: " + e.getMessage());
    }
    if (event.isEmpty()) {
      return answer("ignored", 200, "ignored: not a push to a branch or an opened or updated pull request");
    }
    String delivery = headers.get(source.deliveryHeader());
    if (delivery == null || delivery.isBlank()) {
      delivery = "sha256:" + sha256(body);
    }
    RunStore.Accepted accepted = store.accept(NewRun.of(source, delivery, event.get()), clock.instant());
    if (!accepted.isNew()) {
      return answer("duplicate", 200, "{\"run\":" + accepted.runId() + ",\"duplicate\":true}");
    }
    queue.submit(accepted.runId());
    return answer("accepted", 202, "{\"run\":" + accepted.runId() + "}");
  }

  private Answer answer(String outcome, int status, String body) {
    metrics.delivery(outcome);
    return new Answer(status, body);
  }

  private static String sha256(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
