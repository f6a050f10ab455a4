package dev.kiln.executor;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Replaces secret values in raw text with {@code ***}, before anything encodes the text for an
 * output (JSON, XML, workflow commands): every {@link SecretForms form} of every value, and the
 * pieces of a form that a line break cut in two (a line that ends with a form's beginning, starts
 * with its end, or is a run of its middle). Values and lines shorter than {@link #MIN_LENGTH} are
 * not masked.
 */
public final class SecretMasker implements UnaryOperator<String> {
  static final String MASK = "***";
  /** Shorter values, lines of values and encoded forms would mask ordinary text, and are not masked. */
  public static final int MIN_LENGTH = 4;
  /** The shortest piece of a form, cut by a line break, that is masked at a line's start or end. */
  static final int MIN_PIECE = 6;
  /** The shortest line that is masked for being a run of a form's middle. */
  static final int MIN_MIDDLE = 8;

  private static final SecretMasker NONE = new SecretMasker(List.of(), List.of());

  /** Longest first. */
  private final List<String> forms;
  /** The forms without line breaks that pieces are looked for in. */
  private final List<String> pieces;

  private SecretMasker(List<String> forms, List<String> pieces) {
    this.forms = forms;
    this.pieces = pieces;
  }

  /** A masker for {@code secrets}. */
  public static SecretMasker of(Collection<byte[]> secrets) {
    Set<String> all = new LinkedHashSet<>();
    for (byte[] secret : secrets) {
      all.addAll(SecretForms.of(secret));
    }
    List<String> sorted = new ArrayList<>(all);
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    List<String> pieces = sorted.stream()
        .filter(f -> f.length() > MIN_PIECE && f.indexOf('\n') < 0 && f.indexOf('\r') < 0).toList();
    return new SecretMasker(List.copyOf(sorted), pieces);
  }

  /** A masker that masks nothing. */
  public static SecretMasker none() {
    return NONE;
  }

  /**
   * Whether {@code value} is too short to be masked (shorter than {@link #MIN_LENGTH} without its
   * surrounding white space), though not empty: a run should warn about it.
   */
  public static boolean tooShort(byte[] value) {
    String s = new String(value, StandardCharsets.UTF_8).strip();
    return !s.isEmpty() && s.length() < MIN_LENGTH;
  }

  /** True when there is nothing to mask. */
  public boolean isEmpty() {
    return forms.isEmpty();
  }

  @Override
  public String apply(String text) {
    if (text == null || text.isEmpty() || forms.isEmpty()) {
      return text;
    }
    Spans spans = new Spans(text.length());
    for (String f : forms) {
      for (int i = text.indexOf(f); i >= 0; i = text.indexOf(f, i + 1)) {
        spans.add(i, i + f.length());
      }
    }
    int start = 0;
    while (start <= text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      pieces(text, start, end, spans);
      start = end + 1;
    }
    return spans.replace(text, MASK);
  }

  /** Marks the pieces of forms in the line {@code text[from, to)}. */
  private void pieces(String text, int from, int to, Spans spans) {
    int s = from;
    int e = to;
    while (s < e && Character.isWhitespace(text.charAt(s))) {
      s++;
    }
    while (e > s && Character.isWhitespace(text.charAt(e - 1))) {
      e--;
    }
    if (e - s < MIN_PIECE) {
      return;
    }
    for (String f : pieces) {
      // The line ends with the form's beginning: the rest is on the next line.
      String head = f.substring(0, MIN_PIECE);
      for (int i = text.indexOf(head, Math.max(s, e - f.length() + 1)); i >= 0 && i <= e - MIN_PIECE;
          i = text.indexOf(head, i + 1)) {
        if (text.regionMatches(i, f, 0, e - i)) {
          spans.add(i, e);
          break;
        }
      }
      // The line starts with the form's end.
      String tail = f.substring(f.length() - MIN_PIECE);
      int best = -1;
      for (int i = text.indexOf(tail, s); i >= 0 && i + MIN_PIECE - s < f.length() && i + MIN_PIECE <= e;
          i = text.indexOf(tail, i + 1)) {
        int k = i + MIN_PIECE - s;
        if (text.regionMatches(s, f, f.length() - k, k)) {
          best = s + k;
        }
      }
      if (best > 0) {
        spans.add(s, best);
      }
      // The whole line is a run of the form's middle (a long value wrapped over several lines).
      if (e - s >= MIN_MIDDLE && e - s < f.length() && f.contains(text.substring(s, e))) {
        spans.add(s, e);
      }
    }
  }

  /** The length of the longest form: a streaming caller keeps this much tail before masking. */
  public int longestForm() {
    return forms.isEmpty() ? 0 : forms.get(0).length();
  }

  /**
   * How much of {@code text}, whose end is not the end of its line yet, can be masked and shown now:
   * all but what could be the beginning of a form that continues in text still to come, and no
   * form found in it is cut.
   */
  public int safePrefix(String text) {
    if (forms.isEmpty()) {
      return text.length();
    }
    int cut = Math.max(0, text.length() - (longestForm() - 1));
    boolean moved = true;
    while (moved && cut > 0) {
      moved = false;
      for (String f : forms) {
        int from = Math.max(0, cut - f.length() + 1);
        for (int i = text.indexOf(f, from); i >= 0 && i < cut; i = text.indexOf(f, i + 1)) {
          if (i + f.length() > cut) {
            cut = i;
            moved = true;
            break;
          }
        }
      }
    }
    return cut;
  }

  /** Character ranges of a text to replace, merged where they overlap or touch. */
  private static final class Spans {
    private final boolean[] masked;
    private boolean any;

    Spans(int length) {
      masked = new boolean[length];
    }

    void add(int from, int to) {
      java.util.Arrays.fill(masked, from, to, true);
      any |= to > from;
    }

    String replace(String text, String mask) {
      if (!any) {
        return text;
      }
      StringBuilder sb = new StringBuilder(text.length());
      for (int i = 0; i < text.length(); i++) {
        if (!masked[i]) {
          sb.append(text.charAt(i));
        } else if (i == 0 || !masked[i - 1]) {
          sb.append(mask);
        }
      }
      return sb.toString();
    }
  }
}
