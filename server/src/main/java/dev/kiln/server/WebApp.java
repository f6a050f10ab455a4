package dev.kiln.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.UnauthorizedResponse;
import io.javalin.http.sse.SseClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The server's HTTP side (Javalin on Jetty): webhook endpoints ({@code POST /hooks/github},
 * {@code /hooks/gitlab}, {@code /hooks/generic}), {@code /healthz}, and, behind the access token,
 * the web page ({@code /}, {@code /runs/ID}), the API ({@code /api/runs...}, live output as
 * server-sent events) and {@code /metrics}. The token is sent as {@code Authorization: Bearer}, or
 * once as {@code ?token=}, which sets an HTTP-only cookie.
 */
final class WebApp {
  private static final String COOKIE = "kiln_token";
  /** How many runs the page's cache-hit chart shows. */
  private static final int CACHE_RUNS = 100;

  private final ServerSettings settings;
  private final RunStore store;
  private final WebhookReceiver hooks;
  private final LiveRuns live;
  private final Metrics metrics;
  private final RunQueue queue;
  private final byte[] token;

  WebApp(ServerSettings settings, RunStore store, WebhookReceiver hooks, LiveRuns live, Metrics metrics,
      RunQueue queue) {
    this.settings = settings;
    this.store = store;
    this.hooks = hooks;
    this.live = live;
    this.metrics = metrics;
    this.queue = queue;
    this.token = settings.accessToken().getBytes(StandardCharsets.UTF_8);
  }

  Javalin create() {
    return Javalin.create(cfg -> {
      cfg.jetty.host = settings.host();
      cfg.jetty.port = settings.port();
      cfg.http.maxRequestSize = settings.maxBodyBytes();
      cfg.startup.showJavalinBanner = false;
      cfg.routes.before(this::authorize);
      for (WebhookSource source : WebhookSource.values()) {
        cfg.routes.post("/hooks/" + source.path(), ctx -> hook(source, ctx));
      }
      cfg.routes.get("/healthz", ctx -> {
        store.countByStatus(); // the database answers
        ctx.result("ok\n");
      });
      cfg.routes.get("/metrics", ctx -> {
        int[] sizes = queue.sizes();
        ctx.contentType("text/plain; version=0.0.4").result(metrics.render(store.countByStatus(), sizes[0], sizes[1]));
      });
      cfg.routes.get("/", ctx -> ctx.html(RunPages.list(store.runs(blankToNull(ctx.queryParam("branch")),
          status(ctx), 200), store.cacheHits(CACHE_RUNS), ctx.queryParam("branch"), ctx.queryParam("status"))));
      cfg.routes.get("/api/cache-hits", ctx -> json(ctx, RunJson.cacheHits(store.cacheHits(limit(ctx)))));
      cfg.routes.get("/runs/{id}", ctx -> {
        RunRecord run = run(ctx);
        ctx.html(RunPages.run(run, store.tasks(run.id())));
      });
      cfg.routes.get("/api/runs", ctx -> json(ctx, RunJson.runs(store.runs(blankToNull(ctx.queryParam("branch")),
          status(ctx), limit(ctx)))));
      cfg.routes.get("/api/runs/{id}", ctx -> {
        RunRecord run = run(ctx);
        ObjectNode n = RunJson.run(run);
        n.set("taskList", RunJson.tasks(store.tasks(run.id())));
        json(ctx, n);
      });
      cfg.routes.get("/api/runs/{id}/logs", ctx -> {
        RunRecord run = run(ctx);
        var lines = RunJson.JSON.createArrayNode();
        store.logs(run.id(), ctx.queryParam("task"), afterId(ctx), limit(ctx)).forEach(l -> lines.add(RunJson.line(l)));
        json(ctx, lines);
      });
      cfg.routes.sse("/api/runs/{id}/events", this::follow);
    });
  }

  private void hook(WebhookSource source, Context ctx) {
    Map<String, String> headers = new HashMap<>();
    ctx.headerMap().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
    WebhookReceiver.Answer answer = hooks.receive(source, headers, ctx.bodyAsBytes());
    ctx.status(answer.status()).contentType(answer.body().startsWith("{") ? "application/json" : "text/plain")
        .result(answer.body());
  }

  /**
   * Streams a run as it goes: {@code line} events (each output line, as JSON), {@code tasks} (the
   * task table's rows) and {@code status} when they change, then {@code end}. A reader that
   * reconnects with {@code Last-Event-ID} gets the lines after the last it saw.
   */
  private void follow(SseClient client) {
    Context ctx = client.ctx();
    RunRecord run = run(ctx);
    long after = afterId(ctx);
    String last = ctx.header("Last-Event-ID");
    if (last != null && last.matches("\\d+")) {
      after = Long.parseLong(last);
    }
    String tasksSent = null;
    String statusSent = null;
    try {
      while (!client.terminated()) {
        long version = live.version(run.id());
        RunRecord now = store.run(run.id()).orElseThrow();
        List<LogLine> lines;
        do {
          lines = store.logs(run.id(), null, after, 500);
          for (LogLine l : lines) {
            client.sendEvent("line", RunJson.line(l).toString(), Long.toString(l.id()));
            after = l.id();
          }
        } while (lines.size() == 500);
        String tasks = RunPages.tasks(store.tasks(run.id()));
        if (!tasks.equals(tasksSent)) {
          client.sendEvent("tasks", tasks);
          tasksSent = tasks;
        }
        if (!now.status().label().equals(statusSent)) {
          client.sendEvent("status", now.status().label());
          statusSent = now.status().label();
        }
        if (now.status().finished()) {
          client.sendEvent("end", "");
          return;
        }
        live.await(run.id(), version, Duration.ofSeconds(2));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void authorize(Context ctx) {
    String path = ctx.path();
    if (path.startsWith("/hooks/") || path.equals("/healthz")) {
      return;
    }
    String query = ctx.queryParam("token");
    if (query != null && matches(query)) {
      ctx.header("Set-Cookie", COOKIE + "=" + settings.accessToken() + "; Path=/; HttpOnly; SameSite=Strict");
      ctx.redirect(path); // the token leaves the address bar and the history
      ctx.skipRemainingHandlers();
      return;
    }
    String auth = ctx.header("Authorization");
    if (auth != null && auth.startsWith("Bearer ") && matches(auth.substring("Bearer ".length()).trim())) {
      return;
    }
    String cookie = ctx.cookie(COOKIE);
    if (cookie != null && matches(cookie)) {
      return;
    }
    ctx.header("WWW-Authenticate", "Bearer");
    throw new UnauthorizedResponse("a token is required: Authorization: Bearer TOKEN, or open /?token=TOKEN once");
  }

  private boolean matches(String given) {
    return MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8));
  }

  private RunRecord run(Context ctx) {
    String id = ctx.pathParam("id");
    if (!id.matches("\\d{1,18}")) {
      throw new NotFoundResponse("no run " + id);
    }
    return store.run(Long.parseLong(id)).orElseThrow(() -> new NotFoundResponse("no run " + id));
  }

  private static RunStatus status(Context ctx) {
    String s = blankToNull(ctx.queryParam("status"));
    try {
      return s == null ? null : RunStatus.of(s);
    } catch (IllegalArgumentException e) {
      throw new io.javalin.http.BadRequestResponse("unknown status " + s);
    }
  }

  private static int limit(Context ctx) {
    String s = ctx.queryParam("limit");
    return s != null && s.matches("\\d{1,5}") ? Math.max(1, Integer.parseInt(s)) : 100;
  }

  private static long afterId(Context ctx) {
    String s = ctx.queryParam("after");
    return s != null && s.matches("\\d{1,18}") ? Long.parseLong(s) : 0;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static void json(Context ctx, com.fasterxml.jackson.databind.JsonNode node) {
    ctx.contentType("application/json").result(node.toString());
  }
}
