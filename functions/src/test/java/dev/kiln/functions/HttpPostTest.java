package dev.kiln.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** http.post against a loopback server. */
class HttpPostTest {
  static final String TOKEN = "s3cr3t-t0ken";

  @TempDir Path project;
  HttpServer server;
  final ExecutorService executor = Executors.newCachedThreadPool();
  TestContext context;
  final List<Received> received = new CopyOnWriteArrayList<>();
  final AtomicInteger calls = new AtomicInteger();
  volatile Handler handler;
  final HttpPost post = new HttpPost(Duration.ofMillis(10), Duration.ofSeconds(5));

  record Received(String method, String path, String body, String contentType, String authorization, String custom) {}

  interface Handler {
    void handle(HttpExchange exchange, int call) throws Exception;
  }

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      try (exchange) {
        var h = exchange.getRequestHeaders();
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
            new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
            h.getFirst("Content-Type"), h.getFirst("Authorization"), h.getFirst("X-Custom")));
        handler.handle(exchange, calls.incrementAndGet());
      } catch (Exception e) {
        throw new IOException(e);
      }
    });
    server.setExecutor(executor);
    server.start();
    context = new TestContext(project);
  }

  @AfterEach
  void stop() {
    server.stop(0);
    executor.shutdownNow(); // also ends a handler still sleeping
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private Object call(Object... keysAndValues) throws FunctionException {
    Map<String, Object> args = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      args.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return post.call(Arguments.of(args), context);
  }

  @Test
  void postsTheBodyWithContentTypeHeadersAndBearerToken() throws Exception {
    handler = (ex, n) -> respond(ex, 201, "{\"ok\":true}");
    Object results = call("url", url("/hooks/T000/SECRETPATH"), "body", "{\"text\":\"deployed\"}",
        "headers", Map.of("X-Custom", "header-value-42"), "token", TOKEN);
    assertThat(results).isEqualTo(Map.of("status", "201", "body", "{\"ok\":true}"));
    assertThat(received).containsExactly(new Received("POST", "/hooks/T000/SECRETPATH", "{\"text\":\"deployed\"}",
        "application/json", "Bearer " + TOKEN, "header-value-42"));
    assertThat(context.log).containsExactly("POST http://127.0.0.1:" + server.getAddress().getPort() + ": 201");
    assertThat(String.join("\n", context.log)).doesNotContain(TOKEN, "header-value-42", "SECRETPATH");
  }

  @Test
  void contentTypeCanBeChosen() throws Exception {
    handler = (ex, n) -> respond(ex, 204, "");
    assertThat(call("url", url("/"), "body", "a=1", "contentType", "application/x-www-form-urlencoded"))
        .isEqualTo(Map.of("status", "204", "body", ""));
    assertThat(received.get(0).contentType()).isEqualTo("application/x-www-form-urlencoded");
    assertThat(received.get(0).authorization()).isNull();
  }

  @Test
  void a503IsRetriedUntilItSucceeds() throws Exception {
    handler = (ex, n) -> respond(ex, n == 1 ? 503 : 200, n == 1 ? "busy" : "done");
    assertThat(call("url", url("/"), "body", "x")).isEqualTo(Map.of("status", "200", "body", "done"));
    assertThat(received).hasSize(2);
    assertThat(received.get(1).body()).isEqualTo("x");
    assertThat(context.log).containsExactly(
        "POST http://127.0.0.1:" + server.getAddress().getPort() + ": 503",
        "POST http://127.0.0.1:" + server.getAddress().getPort() + ": 200 (attempt 2)");
  }

  @Test
  void persistentServerErrorsFailAfterTheLastAttemptWithTheResponse() {
    handler = (ex, n) -> respond(ex, 500, "database is down\n" + "x".repeat(1000));
    assertThatThrownBy(() -> call("url", url("/"), "body", "x", "token", TOKEN))
        .isInstanceOf(FunctionException.class)
        .hasMessageStartingWith("POST http://127.0.0.1:" + server.getAddress().getPort()
            + " failed after 4 attempts: status 500; response: database is down\nxxx")
        .hasMessageEndingWith("x…")
        .hasMessageNotContaining(TOKEN);
    assertThat(received).hasSize(4);
  }

  @Test
  void aClientErrorIsNotRetried() {
    handler = (ex, n) -> respond(ex, 404, "no such hook");
    assertThatThrownBy(() -> call("url", url("/nope"), "body", "x"))
        .hasMessage("POST http://127.0.0.1:" + server.getAddress().getPort()
            + " failed with status 404; response: no such hook");
    assertThat(received).hasSize(1);
  }

  @Test
  void aRedirectIsNotFollowed() {
    handler = (ex, n) -> {
      ex.getResponseHeaders().add("Location", "http://elsewhere/");
      respond(ex, 301, "");
    };
    assertThatThrownBy(() -> call("url", url("/"), "body", "x"))
        .hasMessageEndingWith("failed with status 301 (redirects are not followed: use the URL it redirects to)");
  }

  @Test
  void aSlowServerTimesOutWithoutARetry() {
    handler = (ex, n) -> {
      Thread.sleep(3000);
      respond(ex, 200, "late");
    };
    long start = System.nanoTime();
    assertThatThrownBy(() -> call("url", url("/"), "body", "x", "timeoutSeconds", 1L))
        .hasMessage("POST http://127.0.0.1:" + server.getAddress().getPort() + " got no response within 1.0 s"
            + " (timeoutSeconds); not retried, as the server may have received it");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2900));
    assertThat(received).hasSize(1);
  }

  @Test
  void aRefusedConnectionIsRetriedThenReported() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertThatThrownBy(() -> call("url", "http://127.0.0.1:" + port + "/", "body", "x"))
        .hasMessageStartingWith("POST http://127.0.0.1:" + port + " failed after 4 attempts: cannot connect");
    assertThat(context.log).hasSize(4);
  }

  @Test
  void badArgumentsAreRefusedBeforeAnythingIsSent() {
    handler = (ex, n) -> respond(ex, 200, "");
    assertThatThrownBy(() -> call("url", "ftp://example.com/x", "body", "x"))
        .hasMessage("url must be an http:// or https:// URL with a host");
    assertThatThrownBy(() -> call("url", "http://exa mple.com/" + TOKEN, "body", "x"))
        .hasMessageStartingWith("url is not a valid URL").hasMessageNotContaining(TOKEN);
    assertThatThrownBy(() -> call("url", url("/"), "body", "x", "token", TOKEN,
        "headers", Map.of("authorization", "Basic abc")))
        .hasMessage("give either the token or an Authorization header, not both");
    assertThatThrownBy(() -> call("url", url("/"), "body", "x", "headers", Map.of("Host", "evil")))
        .hasMessageStartingWith("header `Host` cannot be set: ").hasMessageNotContaining("evil");
    assertThatThrownBy(() -> call("url", url("/"), "body", "x", "timeoutSeconds", 0L))
        .hasMessage("timeoutSeconds must be positive, not 0");
    assertThat(received).isEmpty();
  }
}
