package dev.kiln.executor;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Replaces secret values in text with {@code ***}: the values themselves and the forms they take
 * when a step encodes them — base64 (standard and URL-safe, at each of the three alignments a value
 * can have inside longer base64 data) and URL encoding.
 */
public final class SecretMasker implements UnaryOperator<String> {
  static final String MASK = "***";
  /** Encoded fragments shorter than this would mask ordinary text. */
  private static final int MIN_FORM = 4;

  private final List<String> forms;

  private SecretMasker(List<String> forms) {
    this.forms = forms;
  }

  /** A masker for {@code secrets}; empty values are ignored. */
  public static SecretMasker of(List<byte[]> secrets) {
    Set<String> forms = new LinkedHashSet<>();
    for (byte[] secret : secrets) {
      if (secret.length == 0) {
        continue;
      }
      String text = new String(secret, StandardCharsets.UTF_8);
      forms.add(text);
      String trimmed = text.strip(); // values read from files often end with a newline
      if (!trimmed.isEmpty()) {
        forms.add(trimmed);
        forms.add(URLEncoder.encode(trimmed, StandardCharsets.UTF_8));
        forms.add(URLEncoder.encode(trimmed, StandardCharsets.UTF_8).replace("+", "%20"));
      }
      for (byte[] value : List.of(secret, trimmed.getBytes(StandardCharsets.UTF_8))) {
        forms.addAll(base64Forms(value));
      }
    }
    List<String> sorted = new ArrayList<>();
    for (String f : forms) {
      if (f.length() >= MIN_FORM || forms.size() == 1) {
        sorted.add(f);
      }
    }
    sorted.sort(Comparator.comparingInt(String::length).reversed()); // longest first: no partial masks
    return new SecretMasker(List.copyOf(sorted));
  }

  /**
   * The base64 text that always appears when {@code value} is encoded inside longer data: for each
   * of the three byte offsets, the characters that depend only on the value's own bytes.
   */
  static List<String> base64Forms(byte[] value) {
    List<String> out = new ArrayList<>();
    for (int offset = 0; offset < 3; offset++) {
      byte[] padded = new byte[offset + value.length];
      System.arraycopy(value, 0, padded, offset, value.length);
      String enc = Base64.getEncoder().encodeToString(padded);
      // Characters touched by the leading pad bytes, and by the unknown bytes after the value, vary.
      int start = offset == 0 ? 0 : (offset == 1 ? 2 : 3);
      int fullBytes = offset + value.length;
      int stableEnd = (fullBytes / 3) * 4; // the last partial group depends on what follows
      if (stableEnd - start >= MIN_FORM) {
        String core = enc.substring(start, stableEnd);
        out.add(core);
        out.add(core.replace('+', '-').replace('/', '_'));
      }
      if (offset == 0) {
        out.add(enc); // the whole value alone, with padding
        out.add(enc.replace("=", ""));
        out.add(Base64.getUrlEncoder().encodeToString(value));
        out.add(Base64.getUrlEncoder().withoutPadding().encodeToString(value));
      }
    }
    return out;
  }

  /** True when there is nothing to mask. */
  public boolean isEmpty() {
    return forms.isEmpty();
  }

  @Override
  public String apply(String text) {
    if (text == null || forms.isEmpty()) {
      return text;
    }
    String out = text;
    for (String f : forms) {
      if (out.contains(f)) {
        out = out.replace(f, MASK);
      }
    }
    return out;
  }

  /** The length of the longest form: a streaming caller keeps this much tail before masking. */
  public int longestForm() {
    return forms.isEmpty() ? 0 : forms.get(0).length();
  }
}
