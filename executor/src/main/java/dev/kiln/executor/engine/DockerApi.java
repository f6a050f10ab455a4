package dev.kiln.executor.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The few plain Docker Engine API calls Kiln makes over the Docker socket (HTTP/1.1, one request
 * per connection). Everything build-related goes through BuildKit's own API instead.
 */
final class DockerApi {
  private DockerApi() {}

  /** A response: status code, headers (names in lower case) and body text. */
  record Response(int status, Map<String, String> headers, String body) {
    /** The header {@code name} (any case), or null. */
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** One request; Docker must start its answer within {@code answer} (see {@link Dialer#connect}). */
  static Response request(EngineAddress docker, Duration answer, String method, String path, String extraHeaders)
      throws IOException {
    try (Dialer.Conn conn = Dialer.connect(docker, answer)) {
      String req = method + " " + path + " HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n"
          + (extraHeaders == null ? "" : extraHeaders)
          + (method.equals("POST") ? "Content-Length: 0\r\n" : "") + "\r\n";
      conn.out().write(req.getBytes(StandardCharsets.ISO_8859_1));
      conn.out().flush();
      byte[] all = conn.in().readAllBytes();
      return parse(all);
    }
  }

  static Response parse(byte[] raw) throws IOException {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IOException("malformed HTTP response from Docker");
    }
    String head = text.substring(0, end);
    String[] status = head.lines().findFirst().orElse("").split(" ", 3);
    if (status.length < 2) {
      throw new IOException("malformed HTTP status line from Docker: " + head.lines().findFirst().orElse(""));
    }
    Map<String, String> headers = new TreeMap<>();
    head.lines().skip(1).forEach(line -> {
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
      }
    });
    byte[] body = Arrays.copyOfRange(raw, end + 4, raw.length);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = dechunk(body);
    }
    return new Response(Integer.parseInt(status[1]), Collections.unmodifiableMap(headers),
        new String(body, StandardCharsets.UTF_8));
  }

  private static byte[] dechunk(byte[] body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < body.length) {
      int lineEnd = indexOf(body, i);
      if (lineEnd < 0) {
        break;
      }
      String sizeText = new String(body, i, lineEnd - i, StandardCharsets.ISO_8859_1).trim();
      int semi = sizeText.indexOf(';');
      int size = Integer.parseInt(semi >= 0 ? sizeText.substring(0, semi) : sizeText, 16);
      if (size == 0) {
        break;
      }
      int start = lineEnd + 2;
      if (start + size > body.length) {
        throw new IOException("truncated chunked response from Docker");
      }
      out.write(body, start, size);
      i = start + size + 2;
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] b, int from) {
    for (int i = from; i + 1 < b.length; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
