package dev.kiln.evaluator;

import java.util.ArrayList;
import java.util.List;

/**
 * The message and hint of a Pkl error, the only parts of Pkl 0.30's rendered {@code PklException}
 * that exist nowhere else. Everything about places comes from the stack frames {@link PklErrors}
 * records; while Pkl renders, that transformer replaces every frame with {@code marker} lines, so
 * this reads no source excerpts, carets, {@code at} lines or loop boxes, only Pkl's documented
 * order: a header line, the message paragraph (message, cause, values), then the frames with the
 * hint as the paragraph after the first one (or, without frames, after the message).
 *
 * @param message the message paragraph, one or more lines
 * @param hint Pkl's hint, or null
 */
record PklErrorText(String message, String hint) {
  /** The first line of every rendered error that is not a bug (colours are off). */
  static final String HEADER = "–– Pkl Error ––";

  /** Splits {@code rendered}, in which frames were rendered with {@code marker} in them. */
  static PklErrorText parse(String rendered, String marker) {
    List<String> lines = List.of((rendered == null ? "" : rendered).split("\n", -1));
    int i = !lines.isEmpty() && lines.get(0).equals(HEADER) ? 1 : 0; // no header: e.g. a timeout
    List<String> message = new ArrayList<>();
    for (; i < lines.size() && !lines.get(i).isBlank() && !lines.get(i).contains(marker); i++) {
      message.add(lines.get(i));
    }
    int first = indexOfMarker(lines, i, marker);
    List<String> hint = first < 0 ? rest(lines, i) : hintAfterFrame(lines, first, marker);
    return new PklErrorText(String.join("\n", message).strip(), hint.isEmpty() ? null : String.join("\n", hint));
  }

  /** Without frames, everything after the message is the hint. */
  private static List<String> rest(List<String> lines, int from) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < lines.size(); i++) {
      if (!lines.get(i).isBlank()) {
        out.add(lines.get(i).strip());
      }
    }
    return out;
  }

  /**
   * The paragraph after the first frame, which starts at line {@code first}: a frame is two marker
   * lines (its source line and its name) around a caret line, all behind the same margin, which is
   * what the two marker lines have in common. A paragraph that runs straight into a frame is not a
   * hint but the heading of a repeated group of frames.
   */
  private static List<String> hintAfterFrame(List<String> lines, int first, String marker) {
    int second = indexOfMarker(lines, first + 1, marker);
    if (second < 0) {
      return List.of();
    }
    String margin = commonPrefix(lines.get(first), lines.get(second));
    int i = second + 1;
    while (i < lines.size() && body(lines.get(i), margin).isBlank() && !lines.get(i).contains(marker)) {
      i++;
    }
    List<String> out = new ArrayList<>();
    for (; i < lines.size() && lines.get(i).startsWith(margin) && !lines.get(i).contains(marker)
        && !body(lines.get(i), margin).isBlank(); i++) {
      out.add(body(lines.get(i), margin).strip());
    }
    return i < lines.size() && lines.get(i).contains(marker) ? List.of() : out;
  }

  private static String body(String line, String margin) {
    return line.startsWith(margin) ? line.substring(margin.length()) : line;
  }

  private static int indexOfMarker(List<String> lines, int from, String marker) {
    for (int i = from; i < lines.size(); i++) {
      if (lines.get(i).contains(marker)) {
        return i;
      }
    }
    return -1;
  }

  private static String commonPrefix(String a, String b) {
    int n = 0;
    while (n < a.length() && n < b.length() && a.charAt(n) == b.charAt(n)) {
      n++;
    }
    return a.substring(0, n);
  }
}
