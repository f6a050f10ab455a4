package dev.kiln.executor;

import java.time.Duration;
import java.util.Locale;

/** A duration as messages say it: {@code 4.2 s}, {@code 10 min}, {@code 2 min 5 s}. */
final class DurationText {
  private DurationText() {}

  static String of(Duration d) {
    long seconds = d.toSeconds();
    if (seconds < 60) {
      return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
    return seconds % 60 == 0 ? d.toMinutes() + " min" : d.toMinutes() + " min " + seconds % 60 + " s";
  }
}
