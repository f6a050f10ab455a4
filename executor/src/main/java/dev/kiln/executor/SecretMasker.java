package dev.kiln.executor;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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

  private static final SecretMasker NONE = of(List.of());

  /** Longest first. */
  private final List<String> forms;
  /** Forms by their first four characters, and the forms without line breaks by their last four. */
  private final Map<Long, List<String>> byHead;
  private final Map<Long, List<String>> byTail;
  /** A quick "no" for both maps: bits set by each of their keys' hash. */
  private final long[] heads;
  private final long[] tails;
  /** The sorted hashes of every eight characters of the forms without line breaks. */
  private final long[] middles;
  private final List<String> pieces;

  private SecretMasker(List<String> forms) {
    this.forms = forms;
    this.pieces = forms.stream()
        .filter(f -> f.length() > MIN_PIECE && f.indexOf('\n') < 0 && f.indexOf('\r') < 0).toList();
    this.byHead = new HashMap<>();
    this.byTail = new HashMap<>();
    this.heads = new long[BITS / 64];
    this.tails = new long[BITS / 64];
    for (String f : forms) {
      long key = key(f, 0);
      byHead.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
      set(heads, key);
    }
    Set<Long> eights = new HashSet<>();
    for (String f : pieces) {
      long key = key(f, f.length() - 4);
      byTail.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
      set(tails, key);
      for (int i = 0; i + MIN_MIDDLE <= f.length(); i++) {
        eights.add(eight(f, i));
      }
    }
    this.middles = eights.stream().mapToLong(Long::longValue).sorted().toArray();
  }

  /** A masker for {@code secrets}. */
  public static SecretMasker of(Collection<byte[]> secrets) {
    Set<String> all = new LinkedHashSet<>();
    for (byte[] secret : secrets) {
      all.addAll(SecretForms.of(secret));
    }
    List<String> sorted = new ArrayList<>(all);
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    return new SecretMasker(List.copyOf(sorted));
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
    if (text == null || text.length() < MIN_LENGTH || forms.isEmpty()) {
      return text;
    }
    Spans spans = new Spans(text.length());
    long key = 0;
    for (int i = 0; i < text.length(); i++) {
      key = (key << 16) | text.charAt(i);
      int start = i - 3;
      if (start >= 0 && has(heads, key)) {
        for (String f : byHead.getOrDefault(key, List.of())) {
          if (text.startsWith(f, start)) {
            spans.add(start, start + f.length());
          }
        }
      }
    }
    int from = 0;
    while (from <= text.length()) {
      int end = text.indexOf('\n', from);
      if (end < 0) {
        end = text.length();
      }
      pieces(text, from, end, spans);
      from = end + 1;
    }
    return spans.replace(text, MASK);
  }

  /**
   * Marks the pieces of forms in the line {@code text[from, to)}: its end when it is a form's
   * beginning, its start when it is a form's end, all of it when it is a run of a form's middle.
   */
  private void pieces(String text, int from, int to, Spans spans) {
    int s = from;
    int e = to;
    while (s < e && Character.isWhitespace(text.charAt(s))) {
      s++;
    }
    while (e > s && Character.isWhitespace(text.charAt(e - 1))) {
      e--;
    }
    if (e - s < MIN_PIECE || pieces.isEmpty()) {
      return;
    }
    int longest = pieces.get(0).length();
    long key = 0;
    int first = Math.max(s, e - longest);
    for (int i = first; i < e; i++) { // the line's end: pieces from position i - 3 to e
      key = (key << 16) | text.charAt(i);
      int start = i - 3;
      if (start >= first && e - start >= MIN_PIECE && has(heads, key)) {
        for (String f : byHead.getOrDefault(key, List.of())) {
          if (e - start < f.length() && text.regionMatches(start, f, 0, e - start)) {
            spans.add(start, e);
            break;
          }
        }
      }
    }
    key = 0;
    for (int i = s; i < Math.min(e, s + longest); i++) { // the line's start: pieces from s to i + 1
      key = (key << 16) | text.charAt(i);
      int k = i + 1 - s;
      if (k >= MIN_PIECE && has(tails, key)) {
        for (String f : byTail.getOrDefault(key, List.of())) {
          if (k < f.length() && text.regionMatches(s, f, f.length() - k, k)) {
            spans.add(s, i + 1);
            break;
          }
        }
      }
    }
    if (e - s >= MIN_MIDDLE && Arrays.binarySearch(middles, eight(text, s)) >= 0) {
      String line = text.substring(s, e);
      for (String f : pieces) {
        if (f.length() > line.length() && f.contains(line)) {
          spans.add(s, e);
          break;
        }
      }
    }
  }

  private static final int BITS = 1 << 16;

  /** The four characters of {@code s} from {@code i}, as a key. */
  private static long key(String s, int i) {
    return ((long) s.charAt(i) << 48) | ((long) s.charAt(i + 1) << 32) | ((long) s.charAt(i + 2) << 16) | s.charAt(i + 3);
  }

  /** A hash of the eight characters of {@code s} from {@code i}. */
  private static long eight(String s, int i) {
    return key(s, i) * 0x9E3779B97F4A7C15L + key(s, i + 4);
  }

  private static int bit(long key) {
    return (int) ((key * 0x9E3779B97F4A7C15L) >>> 48);
  }

  private static void set(long[] bits, long key) {
    int b = bit(key);
    bits[b >>> 6] |= 1L << (b & 63);
  }

  private static boolean has(long[] bits, long key) {
    int b = bit(key);
    return (bits[b >>> 6] & (1L << (b & 63))) != 0;
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
    private final int length;
    private boolean[] masked; // made on the first range: most text has none

    Spans(int length) {
      this.length = length;
    }

    void add(int from, int to) {
      if (to > from) {
        if (masked == null) {
          masked = new boolean[length];
        }
        Arrays.fill(masked, from, to, true);
      }
    }

    String replace(String text, String mask) {
      if (masked == null) {
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
