package dev.kiln.functions;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;
import dev.kiln.function.KilnFunction;
import dev.kiln.function.Parameter;
import dev.kiln.function.Signature;
import dev.kiln.function.ValueType;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@code http.post(url, body, ...)}: notifies a webhook from a task. Retries what cannot have
 * reached the server twice (connection failures) and what the server says to retry (429, 5xx),
 * with exponential back-off, a bounded number of times.
 */
public final class HttpPost implements KilnFunction {
  private static final int ATTEMPTS = 4;
  private static final int MAX_BODY_RESULT = 16_000; // characters; a result holds at most 64 KiB of UTF-8
  private static final int ERROR_EXCERPT = 300;
  private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);

  private final Duration firstBackoff;
  private final Duration defaultTimeout;

  /** The function as Kiln loads it: 30 s per attempt, back-off from 1 s. */
  public HttpPost() {
    this(Duration.ofSeconds(1), Duration.ofSeconds(30));
  }

  /** For tests: a shorter back-off and time limit. */
  HttpPost(Duration firstBackoff, Duration defaultTimeout) {
    this.firstBackoff = Objects.requireNonNull(firstBackoff);
    this.defaultTimeout = Objects.requireNonNull(defaultTimeout);
  }

  @Override
  public Signature signature() {
    return Signature.builder("http", "post")
        .doc("POSTs [body] to [url] (e.g. to notify a chat or deployment webhook) after the tasks it depends on;"
            + " results `status` (the HTTP status code) and `body` (the response, at most 16 KiB). Connection"
            + " failures, 429 and 5xx responses are retried up to 3 times with exponential back-off; any other"
            + " status outside 2xx fails the task, with the response's first bytes. Redirects are not followed."
            + " Only the URL's scheme and host are logged, as webhook URLs often carry a secret in their path.")
        .param(Parameter.required("url", ValueType.STRING, "The http or https URL to POST to."))
        .param(Parameter.required("body", ValueType.STRING, "The request body, e.g. a JSON document."))
        .param(Parameter.optional("contentType", ValueType.STRING,
            "The body's media type; `application/json` when left out."))
        .param(Parameter.optional("headers", ValueType.mapOf(ValueType.STRING),
            "More request headers; their values are never logged."))
        .param(Parameter.optional("token", ValueType.SECRET, "A secret sent as `Authorization: Bearer <token>`."))
        .param(Parameter.optional("timeoutSeconds", ValueType.INT,
            "How long one attempt may take, in seconds; 30 when left out."))
        .results("status", "body")
        .build();
  }

  @Override
  public Object call(Arguments args, FunctionContext context) throws FunctionException {
    URI uri = uri(args.string("url"));
    String where = uri.getScheme() + "://" + uri.getAuthority().replaceFirst("^.*@", "");
    Duration timeout = args.has("timeoutSeconds") ? Duration.ofSeconds(args.integer("timeoutSeconds", 30)) : defaultTimeout;
    if (timeout.isNegative() || timeout.isZero()) {
      throw new FunctionException("timeoutSeconds must be positive, not " + timeout.toSeconds());
    }
    HttpRequest request = request(uri, args, timeout);
    HttpClient client = HttpClient.newBuilder()
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();

    Duration backoff = firstBackoff;
    String lastProblem = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Duration wait = backoff;
      try {
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        int status = response.statusCode();
        String body = new String(response.body(), StandardCharsets.UTF_8);
        context.log("POST " + where + ": " + status + (attempt > 1 ? " (attempt " + attempt + ")" : ""));
        if (status >= 200 && status < 300) {
          return Map.of("status", Integer.toString(status), "body", truncate(body, MAX_BODY_RESULT));
        }
        lastProblem = "status " + status + (body.isBlank() ? "" : "; response: " + truncate(body.strip(), ERROR_EXCERPT));
        if (status != 429 && status < 500) {
          throw new FunctionException("POST " + where + " failed with " + lastProblem
              + (status >= 300 && status < 400 ? " (redirects are not followed: use the URL it redirects to)" : ""));
        }
        wait = max(wait, retryAfter(response));
      } catch (HttpConnectTimeoutException | ConnectException e) {
        // The request never reached the server: retrying cannot repeat it.
        lastProblem = "cannot connect (" + describe(e) + ")";
        context.log("POST " + where + ": " + lastProblem);
      } catch (HttpTimeoutException e) {
        // The server may have acted on it; a webhook must not fire twice, so this is not retried.
        throw new FunctionException("POST " + where + " got no response within " + timeout.toMillis() / 1000.0 + " s"
            + " (timeoutSeconds); not retried, as the server may have received it", e);
      } catch (IOException e) {
        throw new FunctionException("POST " + where + " failed: " + describe(e), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new FunctionException("POST " + where + " was cancelled", e);
      }
      if (attempt < ATTEMPTS) {
        sleep(wait, where);
        backoff = backoff.multipliedBy(2);
      }
    }
    throw new FunctionException("POST " + where + " failed after " + ATTEMPTS + " attempts: " + lastProblem);
  }

  private static URI uri(String url) throws FunctionException {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
        throw new FunctionException("url must be an http:// or https:// URL with a host");
      }
      return uri;
    } catch (URISyntaxException e) {
      // The message would quote the URL, which may carry a secret.
      throw new FunctionException("url is not a valid URL (at index " + e.getIndex() + ": " + e.getReason() + ")");
    }
  }

  private static HttpRequest request(URI uri, Arguments args, Duration timeout) throws FunctionException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Content-Type", args.string("contentType", "application/json"))
        .header("User-Agent", "Kiln")
        .POST(HttpRequest.BodyPublishers.ofString(args.string("body"), StandardCharsets.UTF_8));
    Map<String, String> headers = args.map("headers");
    for (Map.Entry<String, String> h : headers.entrySet()) {
      if (args.has("token") && h.getKey().equalsIgnoreCase("Authorization")) {
        throw new FunctionException("give either the token or an Authorization header, not both");
      }
      try {
        b.setHeader(h.getKey(), h.getValue());
      } catch (IllegalArgumentException e) {
        // Restricted (Host, Content-Length, ...) or malformed; the value stays out of the message.
        throw new FunctionException("header `" + h.getKey() + "` cannot be set: " + e.getMessage()
            .replace(String.valueOf(h.getValue()), "***"));
      }
    }
    if (args.has("token")) {
      b.setHeader("Authorization", "Bearer " + args.string("token"));
    }
    return b.build();
  }

  private static Duration retryAfter(HttpResponse<?> response) {
    return response.headers().firstValue("Retry-After").map(v -> {
      try {
        Duration d = Duration.ofSeconds(Long.parseLong(v.strip()));
        return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
      } catch (NumberFormatException e) {
        return Duration.ZERO; // an HTTP date: the back-off will do
      }
    }).orElse(Duration.ZERO);
  }

  private static void sleep(Duration d, String where) throws FunctionException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FunctionException("POST " + where + " was cancelled", e);
    }
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static String describe(Exception e) {
    return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "…";
  }
}
