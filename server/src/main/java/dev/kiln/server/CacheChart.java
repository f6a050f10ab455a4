package dev.kiln.server;

import java.util.List;
import java.util.Locale;

/**
 * The cache-hit rate over time, drawn as SVG for the list of runs: one point per finished run
 * (oldest on the left), its share of steps that came from the cache, and the rate over them all.
 */
final class CacheChart {
  private static final int WIDTH = 640;
  private static final int HEIGHT = 160;
  private static final int LEFT = 44;
  private static final int TOP = 10;
  private static final int PLOT_W = WIDTH - LEFT - 12;
  private static final int PLOT_H = HEIGHT - TOP - 26;

  private CacheChart() {}

  /** The chart's heading line and SVG, or a sentence when no run has reported steps yet. */
  static String html(List<CacheHits> runs) {
    if (runs.isEmpty()) {
      return "<p id=cache-rate>No finished run has reported steps yet.</p>";
    }
    long steps = runs.stream().mapToLong(CacheHits::steps).sum();
    long cached = runs.stream().mapToLong(CacheHits::cached).sum();
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
        "<p id=cache-rate>%d of %d steps (%.0f%%) came from the cache over the last %d runs.</p>", cached, steps,
        100.0 * cached / steps, runs.size()));
    b.append("<svg id=cache-chart xmlns=\"http://www.w3.org/2000/svg\" width=").append(WIDTH).append(" height=")
        .append(HEIGHT).append(" role=img aria-label=\"cache-hit rate per run\">");
    for (int pct = 0; pct <= 100; pct += 50) {
      int y = y(pct / 100.0);
      b.append(String.format(Locale.ROOT, "<line x1=%d y1=%d x2=%d y2=%d stroke=\"#d0d7de\"/><text x=4 y=%d"
          + " font-size=11>%d%%</text>", LEFT, y, LEFT + PLOT_W, y, y + 4, pct));
    }
    StringBuilder line = new StringBuilder();
    StringBuilder dots = new StringBuilder();
    for (int i = 0; i < runs.size(); i++) {
      CacheHits r = runs.get(i);
      int x = x(i, runs.size());
      int y = y(r.rate());
      line.append(i == 0 ? "" : " ").append(x).append(',').append(y);
      dots.append(String.format(Locale.ROOT, "<circle class=point data-run=%d data-rate=\"%.3f\" cx=%d cy=%d r=3"
          + " fill=\"#0969da\"><title>run #%d: %d of %d steps cached</title></circle>", r.runId(), r.rate(), x, y,
          r.runId(), r.cached(), r.steps()));
    }
    b.append("<polyline fill=none stroke=\"#0969da\" stroke-width=1.5 points=\"").append(line).append("\"/>")
        .append(dots);
    b.append(String.format(Locale.ROOT, "<text x=%d y=%d font-size=11>#%d</text><text x=%d y=%d font-size=11"
        + " text-anchor=end>#%d</text>", LEFT, HEIGHT - 8, runs.get(0).runId(), LEFT + PLOT_W, HEIGHT - 8,
        runs.get(runs.size() - 1).runId()));
    return b.append("</svg>").toString();
  }

  private static int x(int i, int n) {
    return LEFT + (n == 1 ? PLOT_W / 2 : i * PLOT_W / (n - 1));
  }

  private static int y(double rate) {
    return TOP + (int) Math.round((1 - rate) * PLOT_H);
  }
}
