package dev.kiln.executor.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.executor.auth.DockerCredentials;
import dev.kiln.executor.auth.RegistryCredential;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The registry HTTP API (distribution spec) for one repository, as Kiln's own client: what an
 * engine cannot do for it, such as putting an image index. Authenticates as Docker does with the
 * credential Docker's configuration has for the registry: Basic, or a Bearer token from the realm
 * the registry names ({@code WWW-Authenticate}). Loopback registries are plain HTTP.
 */
final class RegistryApi {
  private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private final String registry;
  private final String repository;
  private final DockerCredentials credentials;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
      .followRedirects(HttpClient.Redirect.NORMAL).build();
  private String authorization;

  RegistryApi(String registry, String repository, DockerCredentials credentials) {
    this.registry = registry;
    this.repository = repository;
    this.credentials = credentials;
  }

  /** A manifest's media type and size, as the registry answers {@code HEAD} for {@code reference}. */
  record Descriptor(String mediaType, long size, String digest) {}

  Descriptor head(String reference, String... accept) throws IOException {
    HttpResponse<byte[]> r = send(HttpRequest.newBuilder(url("/manifests/" + reference))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Accept", String.join(", ", accept)));
    if (r.statusCode() != 200) {
      throw new IOException("HEAD " + reference + ": HTTP " + r.statusCode());
    }
    return new Descriptor(r.headers().firstValue("Content-Type").orElse(accept[0]),
        r.headers().firstValueAsLong("Content-Length").orElse(-1),
        r.headers().firstValue("Docker-Content-Digest").orElse(""));
  }

  /** Puts {@code body} as the manifest {@code tag}; the digest the registry gives it. */
  String putManifest(String tag, String mediaType, byte[] body) throws IOException {
    HttpResponse<byte[]> r = send(HttpRequest.newBuilder(url("/manifests/" + tag))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", mediaType));
    if (r.statusCode() != 201 && r.statusCode() != 200) {
      throw new IOException("PUT manifest " + tag + ": HTTP " + r.statusCode() + " "
          + new String(r.body(), StandardCharsets.UTF_8).strip());
    }
    return r.headers().firstValue("Docker-Content-Digest").orElse("");
  }

  private URI url(String path) {
    boolean local = registry.startsWith("localhost") || registry.startsWith("127.");
    return URI.create((local ? "http://" : "https://") + registry + "/v2/" + repository + path);
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException {
    request.timeout(TIMEOUT);
    HttpResponse<byte[]> r = exchange(request);
    if (r.statusCode() == 401 && authorization == null) {
      authorization = authorize(r.headers().firstValue("WWW-Authenticate").orElse(""));
      if (authorization != null) {
        r = exchange(request);
      }
    }
    return r;
  }

  private HttpResponse<byte[]> exchange(HttpRequest.Builder request) throws IOException {
    if (authorization != null) {
      request.setHeader("Authorization", authorization);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** The Authorization header answering {@code challenge}, or null if Kiln has no credential. */
  private String authorize(String challenge) throws IOException {
    Optional<RegistryCredential> cred = credentials.lookup(registry);
    String basic = cred.filter(c -> c instanceof RegistryCredential.Password).map(c -> "Basic " + Base64.getEncoder()
        .encodeToString((((RegistryCredential.Password) c).username() + ":" + c.secret())
            .getBytes(StandardCharsets.UTF_8))).orElse(null);
    if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
      return basic;
    }
    if (!challenge.regionMatches(true, 0, "Bearer", 0, 6)) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    Matcher m = PARAM.matcher(challenge);
    while (m.find()) {
      params.put(m.group(1), m.group(2));
    }
    String scope = "repository:" + repository + ":pull,push";
    StringBuilder token = new StringBuilder(params.getOrDefault("realm", "")).append("?scope=")
        .append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
    if (params.containsKey("service")) {
      token.append("&service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8));
    }
    HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(token.toString())).timeout(TIMEOUT);
    if (basic != null) {
      get.header("Authorization", basic);
    }
    HttpResponse<byte[]> r = exchange(get);
    if (r.statusCode() != 200) {
      return null;
    }
    JsonNode json = new ObjectMapper().readTree(r.body());
    String t = json.path("token").asText(json.path("access_token").asText(""));
    return t.isEmpty() ? null : "Bearer " + t;
  }
}
