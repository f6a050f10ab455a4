package dev.kiln.testsupport;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP trace receiver in the test's process: {@code POST /v1/traces} with an
 * {@code ExportTraceServiceRequest} in protobuf, read by field number (the OTLP protos' field
 * numbers, no generated classes). Point {@code OTEL_EXPORTER_OTLP_ENDPOINT} at {@link #endpoint()}.
 */
public final class OtlpReceiver implements AutoCloseable {
  private final HttpServer server;
  private final List<Span> spans = new ArrayList<>();

  /** A span as it arrived: ids in hex (parent empty for a root), times in nanoseconds since the epoch. */
  public record Span(String traceId, String spanId, String parentId, String name, long startNanos, long endNanos,
      Map<String, Object> attributes, int statusCode, String statusMessage, Map<String, Object> resource) {

    /** Whether this span is an error (OTLP's STATUS_CODE_ERROR). */
    public boolean isError() {
      return statusCode == 2;
    }
  }

  /** Listens on a free loopback port. */
  public OtlpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/traces", exchange -> {
      try (InputStream raw = exchange.getRequestBody()) {
        InputStream in = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
            ? new GZIPInputStream(raw) : raw;
        List<Span> got = decode(in.readAllBytes());
        synchronized (spans) {
          spans.addAll(got);
          spans.notifyAll();
        }
        exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, 0);
      } catch (RuntimeException e) {
        exchange.sendResponseHeaders(400, -1);
      } finally {
        exchange.close();
      }
    });
    server.start();
  }

  /** What {@code OTEL_EXPORTER_OTLP_ENDPOINT} should be. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The spans received so far. */
  public List<Span> spans() {
    synchronized (spans) {
      return List.copyOf(spans);
    }
  }

  /** Waits until the spans received satisfy {@code done}, and returns them. */
  public List<Span> await(Predicate<List<Span>> done, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (spans) {
      while (!done.test(List.copyOf(spans))) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("the spans awaited never arrived; received: " + spans);
        }
        spans.wait(Math.max(1, left / 1_000_000));
      }
      return List.copyOf(spans);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private static List<Span> decode(byte[] body) throws IOException {
    List<Span> out = new ArrayList<>();
    for (ByteString resourceSpans : fields(body, 1)) { // ExportTraceServiceRequest.resource_spans
      Map<String, Object> resource = new LinkedHashMap<>();
      for (ByteString r : fields(resourceSpans.toByteArray(), 1)) { // ResourceSpans.resource
        attributes(fields(r.toByteArray(), 1), resource); // Resource.attributes
      }
      for (ByteString scopeSpans : fields(resourceSpans.toByteArray(), 2)) { // ResourceSpans.scope_spans
        for (ByteString s : fields(scopeSpans.toByteArray(), 2)) { // ScopeSpans.spans
          UnknownFieldSet span = UnknownFieldSet.parseFrom(s);
          Map<String, Object> attributes = new LinkedHashMap<>();
          attributes(span.getField(9).getLengthDelimitedList(), attributes);
          int code = 0;
          String message = "";
          for (ByteString status : span.getField(15).getLengthDelimitedList()) {
            UnknownFieldSet st = UnknownFieldSet.parseFrom(status);
            message = st.getField(2).getLengthDelimitedList().stream().map(ByteString::toStringUtf8).findFirst()
                .orElse("");
            code = st.getField(3).getVarintList().stream().findFirst().orElse(0L).intValue();
          }
          out.add(new Span(hex(span, 1), hex(span, 2), hex(span, 4), text(span, 5), fixed(span, 7), fixed(span, 8),
              attributes, code, message, resource));
        }
      }
    }
    return out;
  }

  private static List<ByteString> fields(byte[] message, int number) throws IOException {
    return UnknownFieldSet.parseFrom(message).getField(number).getLengthDelimitedList();
  }

  private static void attributes(List<ByteString> keyValues, Map<String, Object> into) throws IOException {
    for (ByteString kv : keyValues) {
      UnknownFieldSet f = UnknownFieldSet.parseFrom(kv);
      String key = text(f, 1);
      for (ByteString any : f.getField(2).getLengthDelimitedList()) { // AnyValue
        UnknownFieldSet v = UnknownFieldSet.parseFrom(any);
        if (v.hasField(1)) {
          into.put(key, text(v, 1));
        } else if (v.hasField(2)) {
          into.put(key, v.getField(2).getVarintList().get(0) != 0);
        } else if (v.hasField(3)) {
          into.put(key, v.getField(3).getVarintList().get(0));
        }
      }
    }
  }

  private static String text(UnknownFieldSet f, int number) {
    return f.getField(number).getLengthDelimitedList().stream().map(ByteString::toStringUtf8).findFirst().orElse("");
  }

  private static String hex(UnknownFieldSet f, int number) {
    return f.getField(number).getLengthDelimitedList().stream().map(b -> HexFormat.of().formatHex(b.toByteArray()))
        .findFirst().orElse("");
  }

  private static long fixed(UnknownFieldSet f, int number) {
    return f.getField(number).getFixed64List().stream().findFirst().orElse(0L);
  }
}
