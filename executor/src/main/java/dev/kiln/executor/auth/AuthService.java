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
 * The session's registry auth ({@code moby.filesync.v1.Auth}): the engine asks for the credential
 * of a registry host when the registry challenges it, or for a bearer token, which Kiln fetches
 * from the registry's token realm with that credential (an identity token through OAuth's refresh
 * grant, as the docker CLI does). Credentials leave this process only to the engine and the realm.
 */
public final class AuthService extends AuthGrpc.AuthImplBase {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The OAuth client id the docker CLI and buildx send when the engine names none. */
  private static final String CLIENT_ID = "kiln";

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

  /**
   * The credential for {@code host}, or null once the engine has been answered with why the
   * configuration cannot tell (the message names the helper or file, never a secret).
   */
  private Optional<RegistryCredential> lookup(String host, StreamObserver<?> response) {
    DockerCredentials.Lookup answer = credentials.answer(host);
    if (answer instanceof DockerCredentials.Lookup.Failed f) {
      response.onError(Status.FAILED_PRECONDITION.withDescription(f.error().getMessage()).asRuntimeException());
      return null;
    }
    return answer instanceof DockerCredentials.Lookup.Found c ? Optional.of(c.credential()) : Optional.empty();
  }

  @Override
  public void credentials(CredentialsRequest request, StreamObserver<CredentialsResponse> response) {
    Optional<RegistryCredential> found = lookup(request.getHost(), response);
    if (found == null) {
      return;
    }
    CredentialsResponse.Builder b = CredentialsResponse.newBuilder(); // empty: anonymous
    found.ifPresent(c -> {
      // BuildKit takes a secret without a user name for an identity token (buildx does the same).
      if (c instanceof RegistryCredential.Password p) {
        b.setUsername(p.username());
      }
      b.setSecret(c.secret());
    });
    response.onNext(b.build());
    response.onCompleted();
  }

  @Override
  public void fetchToken(FetchTokenRequest request, StreamObserver<FetchTokenResponse> response) {
    Optional<RegistryCredential> credential = lookup(request.getHost(), response);
    if (credential == null) {
      return;
    }
    HttpRequest req = credential.orElse(null) instanceof RegistryCredential.IdentityToken t
        ? refreshGrant(request, t) : basicGet(request, credential);
    try {
      HttpResponse<byte[]> r = http().send(req, HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        String why = credential.map(c -> "refused " + c.who() + " (from " + c.origin() + ")")
            .orElse("asks for credentials, and none are configured for " + request.getHost());
        response.onError(Status.PERMISSION_DENIED.withDescription("registry " + request.getHost() + " " + why
            + ": its token service answered HTTP " + r.statusCode()).asRuntimeException());
        return;
      }
      response.onNext(token(JSON.readTree(r.body())));
      response.onCompleted();
    } catch (IOException e) {
      response.onError(Status.UNAVAILABLE.withDescription("token request to " + request.getRealm()
          + " failed: " + e.getMessage()).asRuntimeException());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      response.onError(Status.CANCELLED.asRuntimeException());
    }
  }

  /** The token endpoint's GET, with the password as basic auth when there is one. */
  private static HttpRequest basicGet(FetchTokenRequest request, Optional<RegistryCredential> credential) {
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
    credential.ifPresent(c -> req.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
        (((RegistryCredential.Password) c).username() + ":" + c.secret()).getBytes(StandardCharsets.UTF_8))));
    return req.build();
  }

  /** OAuth's refresh grant: an identity token is a refresh token (distribution's token spec). */
  private static HttpRequest refreshGrant(FetchTokenRequest request, RegistryCredential.IdentityToken token) {
    StringBuilder form = new StringBuilder("grant_type=refresh_token");
    form.append("&refresh_token=").append(enc(token.secret()));
    form.append("&service=").append(enc(request.getService()));
    form.append("&client_id=").append(enc(request.getClientID().isEmpty() ? CLIENT_ID : request.getClientID()));
    if (!request.getScopesList().isEmpty()) {
      form.append("&scope=").append(enc(String.join(" ", request.getScopesList())));
    }
    return HttpRequest.newBuilder(URI.create(request.getRealm())).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build();
  }

  private static FetchTokenResponse token(JsonNode n) {
    String token = n.path("access_token").asText(n.path("token").asText(""));
    FetchTokenResponse.Builder out = FetchTokenResponse.newBuilder().setToken(token)
        .setExpiresIn(n.path("expires_in").asLong(0));
    if (n.hasNonNull("issued_at")) {
      try {
        out.setIssuedAt(OffsetDateTime.parse(n.get("issued_at").asText()).toEpochSecond());
      } catch (DateTimeParseException e) {
        // optional; the engine takes now
      }
    }
    return out.build();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
