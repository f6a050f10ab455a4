package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in {@code http.post}, called the way a pipeline notifies a webhook: after a container
 * task on the real engine, with that task's result in the body and a secret token, against a
 * loopback server.
 */
@Tag("e2e")
class HttpPostE2ETest extends KilnInProcess {
  @TempDir Path dir;
  HttpServer server;
  final List<String> received = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void engineIsThere() {
    DockerEngine.require();
  }

  @BeforeEach
  void startServer() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/hooks/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
          + exchange.getRequestHeaders().getFirst("Content-Type") + " "
          + exchange.getRequestHeaders().getFirst("Authorization") + " " + body);
      int status = exchange.getRequestURI().getPath().endsWith("/broken") ? 400 : 202;
      byte[] answer = (status == 202 ? "queued" : "no such channel").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  final String token = "tok-" + UUID.randomUUID();

  Path pipeline(String hook) throws Exception {
    String marker = UUID.randomUUID().toString().substring(0, 8);
    Path p = dir.resolve("project/pipeline.pkl");
    Files.createDirectories(p.getParent());
    Files.writeString(p, """
        amends ".kiln/schema/Pipeline.pkl"
        import ".kiln/schema/functions/http.pkl"
        local built = container.from("busybox:latest")
          .withExec(List("sh", "-c", "mkdir -p /kiln/results && echo 1.2.%s > /kiln/results/version"))
        tasks {
          ["build"] { run = built; results { "version" } }
          ["notify"] {
            dependsOn { "build" }
            call = http.post("http://127.0.0.1:%d/hooks/%s",
              "{\\"text\\": \\"built \\(module.resultOf("build", "version"))\\"}",
              "application/json", null, module.fileSecret("hook-token", "token.txt"), 10)
          }
        }
        """.formatted(marker, server.getAddress().getPort(), hook));
    Files.writeString(p.resolveSibling("token.txt"), token + "\n");
    return p;
  }

  @Test
  void notifiesTheWebhookWithAnEarlierResultAndASecretToken() throws Exception {
    Path p = pipeline("deploys");
    int code = kiln("run", "-f", p.toString(), "--progress", "plain");
    assertThat(code).as(out + "\n" + err).isZero();
    assertThat(received).hasSize(1);
    String request = received.get(0);
    assertThat(request).startsWith("POST /hooks/deploys application/json Bearer " + token + " ")
        .matches("(?s).*\\{\"text\": \"built 1\\.2\\.[0-9a-f]{8}\"\\}$");
    assertThat(out.toString() + err).contains("[notify] result status = 202", "[notify] result body = queued")
        .doesNotContain(token);
  }

  @Test
  void aRefusedNotificationFailsItsTask() throws Exception {
    Path p = pipeline("broken");
    int code = kiln("run", "-f", p.toString(), "--progress", "plain");
    assertThat(code).isEqualTo(ExitCodes.TASK_FAILED);
    assertThat(err.toString()).contains("task notify failed", "400", "no such channel").doesNotContain("\tat ");
  }
}
