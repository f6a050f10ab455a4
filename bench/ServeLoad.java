import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends signed GitHub push deliveries to a kiln serve on loopback at a fixed rate for a bounded
 * time, then bad-signature ones, and prints the answers and the latency to 202 (p50, p99, max).
 * Usage: java ServeLoad.java URL SECRET COMMIT RATE SECONDS BAD_COUNT
 */
public class ServeLoad {
  public static void main(String[] args) throws Exception {
    URI hook = URI.create(args[0]).resolve("/hooks/github");
    if (!"127.0.0.1".equals(hook.getHost()) && !"localhost".equals(hook.getHost())) {
      throw new IllegalArgumentException("loopback only: " + hook);
    }
    byte[] secret = args[1].getBytes(StandardCharsets.UTF_8);
    String commit = args[2];
    int rate = Integer.parseInt(args[3]);
    int seconds = Math.min(Integer.parseInt(args[4]), 60);
    int bad = Math.min(Integer.parseInt(args[5]), 5000);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    List<Integer> codes = Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<?>> pending = new ArrayList<>();
    long start = System.nanoTime();
    int total = rate * seconds;
    for (int i = 0; i < total; i++) {
      long due = start + (long) i * 1_000_000_000L / rate;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      byte[] body = ("{\"ref\":\"refs/heads/load\",\"before\":\"" + "0".repeat(40) + "\",\"after\":\"" + commit
          + "\",\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
      HttpRequest r = HttpRequest.newBuilder(hook).header("X-GitHub-Event", "push")
          .header("X-GitHub-Delivery", "load-" + start + "-" + i).header("X-Hub-Signature-256", sign(secret, body))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      long sent = System.nanoTime();
      pending.add(http.sendAsync(r, HttpResponse.BodyHandlers.discarding()).thenAccept(a -> {
        codes.add(a.statusCode());
        latencies.add(System.nanoTime() - sent);
      }));
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
    double elapsed = (System.nanoTime() - start) / 1e9;
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    System.out.printf("signed: %d sent in %.1f s (%.0f/s); 202: %d, other: %d; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        total, elapsed, total / elapsed, codes.stream().filter(c -> c == 202).count(),
        codes.stream().filter(c -> c != 202).count(), ms(sorted, 0.50), ms(sorted, 0.99), ms(sorted, 1.0));
    int unauthorized = 0;
    for (int i = 0; i < bad; i++) {
      byte[] body = ("{\"ref\":\"refs/heads/load\",\"after\":\"" + commit + "\",\"bad\":" + i + "}").getBytes(StandardCharsets.UTF_8);
      HttpRequest r = HttpRequest.newBuilder(hook).header("X-GitHub-Event", "push")
          .header("X-Hub-Signature-256", sign("wrong".getBytes(StandardCharsets.UTF_8), body))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      if (http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode() == 401) {
        unauthorized++;
      }
    }
    System.out.printf("bad signatures: %d sent, %d answered 401%n", bad, unauthorized);
  }

  private static double ms(List<Long> sorted, double q) {
    return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * sorted.size()))) / 1e6;
  }

  private static String sign(byte[] secret, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
  }
}
