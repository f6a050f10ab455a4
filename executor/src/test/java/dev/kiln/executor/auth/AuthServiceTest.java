package dev.kiln.executor.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.kiln.executor.proto.auth.AuthGrpc;
import dev.kiln.executor.proto.auth.CredentialsRequest;
import dev.kiln.executor.proto.auth.FetchTokenRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthServiceTest {
  @TempDir Path dir;
  Server server;
  ManagedChannel channel;

  AuthGrpc.AuthBlockingStub serve(DockerCredentials creds) throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(new AuthService(creds)).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    return AuthGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
      server.shutdownNow();
    }
  }

  private Path config(String json) throws Exception {
    return DockerConfigs.write(dir, json);
  }

  private static String b64(String s) {
    return DockerConfigs.b64(s);
  }

  @Test
  void answersCredentialsFromConfigAndAnonymousOtherwise() throws Exception {
    var stub = serve(DockerCredentials.from(config("{\"auths\":{"
        + "\"registry.example.com\":{\"auth\":\"" + b64("ci:s3cret:with:colons") + "\"},"
        + "\"https://index.docker.io/v1/\":{\"auth\":\"" + b64("hubuser:hubpass") + "\"}}}"), null));
    var r = stub.credentials(CredentialsRequest.newBuilder().setHost("registry.example.com").build());
    assertThat(r.getUsername()).isEqualTo("ci");
    assertThat(r.getSecret()).isEqualTo("s3cret:with:colons");
    assertThat(stub.credentials(CredentialsRequest.newBuilder().setHost("docker.io").build()).getUsername())
        .isEqualTo("hubuser");
    var anon = stub.credentials(CredentialsRequest.newBuilder().setHost("other.example.com").build());
    assertThat(anon.getUsername()).isEmpty();
    assertThat(anon.getSecret()).isEmpty();
  }

  @Test
  void credentialHelperIsAsked() throws Exception {
    Path bin = dir.resolve("bin");
    Files.createDirectories(bin);
    Path helper = bin.resolve("docker-credential-kilntest");
    Files.writeString(helper, "#!/bin/sh\nread host\n[ \"$1\" = get ] && echo '{\"Username\":\"u-'$host'\",\"Secret\":\"pw\"}'\n");
    helper.toFile().setExecutable(true);
    var creds = DockerCredentials.from(config("{\"credHelpers\":{\"reg.example\":\"kilntest\"},"
        + "\"auths\":{\"reg.example\":{\"auth\":\"" + b64("inline:ignored") + "\"}}}"), bin.toString());
    var stub = serve(creds);
    var r = stub.credentials(CredentialsRequest.newBuilder().setHost("reg.example").build());
    // the helper wins over an inline entry, and was given the server on stdin
    assertThat(r.getUsername()).isEqualTo("u-reg.example");
    assertThat(r.getSecret()).isEqualTo("pw");
  }

  @Test
  void fetchesABearerTokenWithBasicAuth() throws Exception {
    AtomicReference<String> seenAuth = new AtomicReference<>();
    AtomicReference<String> seenQuery = new AtomicReference<>();
    HttpServer realm = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    realm.createContext("/token", ex -> {
      seenAuth.set(ex.getRequestHeaders().getFirst("Authorization"));
      seenQuery.set(ex.getRequestURI().getRawQuery());
      byte[] body = "{\"token\":\"tok-123\",\"expires_in\":300,\"issued_at\":\"2026-01-02T03:04:05Z\"}"
          .getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    realm.start();
    try {
      var stub = serve(DockerCredentials.from(config(
          "{\"auths\":{\"reg.example\":{\"auth\":\"" + b64("ci:pw") + "\"}}}"), null));
      var r = stub.fetchToken(FetchTokenRequest.newBuilder().setHost("reg.example")
          .setRealm("http://127.0.0.1:" + realm.getAddress().getPort() + "/token")
          .setService("reg.example").addScopes("repository:team/app:pull,push").build());
      assertThat(r.getToken()).isEqualTo("tok-123");
      assertThat(r.getExpiresIn()).isEqualTo(300);
      assertThat(r.getIssuedAt()).isEqualTo(1767323045L);
      assertThat(seenAuth.get()).isEqualTo("Basic " + b64("ci:pw"));
      assertThat(seenQuery.get()).contains("service=reg.example").contains("scope=repository%3Ateam%2Fapp%3Apull%2Cpush");
    } finally {
      realm.stop(0);
    }
  }

  @Test
  void anIdentityTokenIsASecretWithoutUserAndIsRefreshedByOAuth() throws Exception {
    AtomicReference<String> seenBody = new AtomicReference<>();
    HttpServer realm = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    realm.createContext("/oauth", ex -> {
      seenBody.set(ex.getRequestMethod() + " " + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      byte[] body = "{\"access_token\":\"acc-1\",\"expires_in\":60}".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    realm.start();
    try {
      var stub = serve(DockerCredentials.from(config("{\"auths\":{\"reg.example\":{\"identitytoken\":\"refresh-9\"}}}"),
          null));
      var creds = stub.credentials(CredentialsRequest.newBuilder().setHost("reg.example").build());
      assertThat(creds.getUsername()).isEmpty();
      assertThat(creds.getSecret()).isEqualTo("refresh-9");
      var r = stub.fetchToken(FetchTokenRequest.newBuilder().setHost("reg.example")
          .setRealm("http://127.0.0.1:" + realm.getAddress().getPort() + "/oauth")
          .setService("reg.example").addScopes("repository:app:pull").build());
      assertThat(r.getToken()).isEqualTo("acc-1");
      assertThat(seenBody.get()).startsWith("POST grant_type=refresh_token&refresh_token=refresh-9&service=reg.example")
          .contains("&scope=repository%3Aapp%3Apull");
    } finally {
      realm.stop(0);
    }
  }

  @Test
  void aRefusedTokenRequestAndABrokenHelperAreErrorsNamingTheRegistry() throws Exception {
    HttpServer realm = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    realm.createContext("/token", ex -> {
      ex.sendResponseHeaders(401, -1);
      ex.close();
    });
    realm.start();
    try {
      var stub = serve(DockerCredentials.from(config("{\"auths\":{\"reg.example\":{\"auth\":\"" + b64("ci:pw") + "\"}},"
          + "\"credHelpers\":{\"helped.example\":\"absent\"}}"), "/nonexistent"));
      assertThatThrownBy(() -> stub.fetchToken(FetchTokenRequest.newBuilder().setHost("reg.example")
          .setRealm("http://127.0.0.1:" + realm.getAddress().getPort() + "/token").setService("reg.example").build()))
          .isInstanceOf(StatusRuntimeException.class)
          .hasMessageContaining("PERMISSION_DENIED: registry reg.example refused user `ci`")
          .hasMessageNotContaining("pw");
      assertThatThrownBy(() -> stub.credentials(CredentialsRequest.newBuilder().setHost("helped.example").build()))
          .hasMessageContaining("FAILED_PRECONDITION: the credential helper docker-credential-absent for registry"
              + " helped.example");
    } finally {
      realm.stop(0);
    }
  }

  @Test
  void credentialsNeverPrintTheSecret() {
    assertThat(new RegistryCredential.Password("u", "hunter2", "test").toString()).doesNotContain("hunter2");
    assertThat(new RegistryCredential.IdentityToken("hunter2", "test").toString()).doesNotContain("hunter2");
  }
}
