package dev.kiln.server;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The server's counters, rendered in Prometheus' text format for {@code /metrics}. */
final class Metrics {
  private final Map<String, AtomicLong> deliveries = new ConcurrentHashMap<>();

  /** A webhook delivery was answered: {@code accepted}, {@code duplicate}, {@code ignored}, {@code unauthorized}, ... */
  void delivery(String outcome) {
    deliveries.computeIfAbsent(outcome, o -> new AtomicLong()).incrementAndGet();
  }

  /** The text format: deliveries by outcome, runs in the history by status, the queue. */
  String render(Map<RunStatus, Long> runs, int queued, int running) {
    StringBuilder out = new StringBuilder();
    out.append("# HELP kiln_webhook_deliveries_total Webhook deliveries answered, by outcome.\n");
    out.append("# TYPE kiln_webhook_deliveries_total counter\n");
    new TreeMap<>(deliveries).forEach((outcome, n) ->
        out.append("kiln_webhook_deliveries_total{outcome=\"").append(outcome).append("\"} ").append(n.get()).append('\n'));
    out.append("# HELP kiln_runs Runs in the history, by status.\n");
    out.append("# TYPE kiln_runs gauge\n");
    for (RunStatus s : RunStatus.values()) {
      out.append("kiln_runs{status=\"").append(s.label()).append("\"} ").append(runs.getOrDefault(s, 0L)).append('\n');
    }
    out.append("# HELP kiln_queue_runs Runs this server holds, waiting or running.\n");
    out.append("# TYPE kiln_queue_runs gauge\n");
    out.append("kiln_queue_runs{state=\"queued\"} ").append(queued).append('\n');
    out.append("kiln_queue_runs{state=\"running\"} ").append(running).append('\n');
    return out.toString();
  }
}
