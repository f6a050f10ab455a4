package dev.kiln.executor.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.executor.proto.auth.AuthGrpc;
import dev.kiln.executor.proto.auth.CredentialsRequest;
import dev.kiln.executor.proto.auth.CredentialsResponse;
import dev.kiln.executor.proto.auth.FetchTokenRequest;
import dev.kiln.executor.proto.auth.FetchTokenResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Optional;

/**
 * The session's registry auth: the engine asks for credentials per registry host, or for a bearer
 * token, which Kiln fetches from the registry's token realm with those credentials. Credentials
 * never leave this process except to the registry itself.
 */
public final class AuthService extends AuthGrpc.AuthImplBase {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DockerCredentials credentials;
  private HttpClient http;

  public AuthService(DockerCredentials credentials) {
    this.credentials = credentials;
  }

  /**
   * Made on the first token request only: a client's selector thread waits in native code, and
   * the JVM's exit waits up to 300 ms for such threads; most runs never fetch a token.
   */
  private synchronized HttpClient http() {
    if (http == null) {
      http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    }
    return http;
  }

  @Override
  public void credentials(CredentialsRequest request, StreamObserver<CredentialsResponse> response) {
    CredentialsResponse.Builder b = CredentialsResponse.newBuilder();
    credentials.lookup(request.getHost()).ifPresent(c -> b.setUsername(c.username()).setSecret(c.secret()));
    response.onNext(b.build()); // empty: anonymous
    response.onCompleted();
  }

  @Override
  public void fetchToken(FetchTokenRequest request, StreamObserver<FetchTokenResponse> response) {
    StringBuilder url = new StringBuilder(request.getRealm());
    url.append(request.getRealm().contains("?") ? '&' : '?');
    url.append("service=").append(enc(request.getService()));
    for (String scope : request.getScopesList()) {
      url.append("&scope=").append(enc(scope));
    }
    if (!request.getClientID().isEmpty()) {
      url.append("&client_id=").append(enc(request.getClientID()));
    }
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url.toString())).timeout(Duration.ofSeconds(60)).GET();
    Optional<DockerCredentials.Credential> c = credentials.lookup(request.getHost());
    c.ifPresent(cred -> req.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
        (cred.username() + ":" + cred.secret()).getBytes(StandardCharsets.UTF_8))));
    try {
      HttpResponse<byte[]> r = http().send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        response.onError(Status.PERMISSION_DENIED
            .withDescription("token request to " + request.getRealm() + " answered HTTP " + r.statusCode())
            .asRuntimeException());
        return;
      }
      JsonNode n = JSON.readTree(r.body());
      String token = n.path("token").asText(n.path("access_token").asText(""));
      FetchTokenResponse.Builder out = FetchTokenResponse.newBuilder().setToken(token)
          .setExpiresIn(n.path("expires_in").asLong(0));
      if (n.hasNonNull("issued_at")) {
        try {
          out.setIssuedAt(OffsetDateTime.parse(n.get("issued_at").asText()).toEpochSecond());
        } catch (DateTimeParseException e) {
          // optional field; the engine uses now
        }
      }
      response.onNext(out.build());
      response.onCompleted();
    } catch (IOException e) {
      response.onError(Status.UNAVAILABLE.withDescription("token request to " + request.getRealm()
          + " failed: " + e.getMessage()).asRuntimeException());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      response.onError(Status.CANCELLED.asRuntimeException());
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
