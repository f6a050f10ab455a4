package dev.kiln.executor;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The texts one secret value can take in output: the value itself (also without the line break a
 * file usually ends with), each line of a multi-line value (a PEM key printed with {@code cat} comes
 * out line by line), and what encoders make of them: base64 (standard and URL-safe, alone or inside
 * longer data, wrapped at 64 or 76 columns as {@code openssl} and {@code base64} print it), URL
 * encoding, JSON string escaping and hex. Forms shorter than {@link SecretMasker#MIN_LENGTH} are left
 * out: they would mask ordinary text.
 */
final class SecretForms {
  private SecretForms() {}

  /** Every form of {@code secret} that is long enough to mask. */
  static Set<String> of(byte[] secret) {
    Set<String> forms = new LinkedHashSet<>();
    if (secret.length == 0) {
      return forms;
    }
    String text = new String(secret, StandardCharsets.UTF_8);
    String stripped = text.strip();
    for (String whole : new LinkedHashSet<>(List.of(text, stripped))) {
      if (whole.isEmpty()) {
        continue;
      }
      forms.add(whole);
      textEncodings(whole, forms);
      base64(whole.getBytes(StandardCharsets.UTF_8), forms);
      forms.add(HexFormat.of().formatHex(whole.getBytes(StandardCharsets.UTF_8)));
      forms.add(HexFormat.of().withUpperCase().formatHex(whole.getBytes(StandardCharsets.UTF_8)));
    }
    if (!Arrays.equals(secret, text.getBytes(StandardCharsets.UTF_8))) {
      base64(secret, forms); // bytes that are not UTF-8 text: encodings of the bytes themselves
      forms.add(HexFormat.of().formatHex(secret));
    }
    for (String line : lines(stripped)) {
      forms.add(line);
      textEncodings(line, forms);
    }
    forms.removeIf(f -> f.length() < SecretMasker.MIN_LENGTH);
    return forms;
  }

  /**
   * The lines of a multi-line value, each without surrounding white space, that are long enough to
   * mask; empty for a single line.
   */
  static List<String> lines(String value) {
    List<String> out = new ArrayList<>();
    if (value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
      return out;
    }
    for (String line : value.split("\r\n|\r|\n")) {
      String s = line.strip();
      if (s.length() >= SecretMasker.MIN_LENGTH) {
        out.add(s);
      }
    }
    return out;
  }

  private static void textEncodings(String value, Set<String> forms) {
    String url = URLEncoder.encode(value, StandardCharsets.UTF_8);
    forms.add(url);
    forms.add(url.replace("+", "%20"));
    forms.add(json(value, false));
    forms.add(json(value, true));
  }

  /**
   * {@code value} inside a JSON string: {@code "} and {@code \} escaped, control characters as
   * {@code \n}-style or {@code \}{@code u00XX} escapes; with {@code ascii}, every non-ASCII character
   * as a {@code \}{@code uXXXX} escape too (Python's {@code json.dumps} default).
   */
  static String json(String value, boolean ascii) {
    StringBuilder sb = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20 || (ascii && c > 0x7e)) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }

  /**
   * The base64 text that always appears when {@code value} is encoded, alone or inside longer data:
   * for each of the three byte offsets, the characters that depend only on the value's own bytes;
   * and the value alone, padded or not, whole or as the lines of a 64- or 76-column wrap.
   */
  static void base64(byte[] value, Set<String> forms) {
    for (int offset = 0; offset < 3; offset++) {
      byte[] padded = new byte[offset + value.length];
      System.arraycopy(value, 0, padded, offset, value.length);
      String enc = Base64.getEncoder().encodeToString(padded);
      // Characters touched by the leading pad bytes, and by the unknown bytes after the value, vary.
      int start = offset == 0 ? 0 : (offset == 1 ? 2 : 3);
      int stableEnd = ((offset + value.length) / 3) * 4; // the last partial group depends on what follows
      if (stableEnd - start >= SecretMasker.MIN_LENGTH) {
        String core = enc.substring(start, stableEnd);
        forms.add(core);
        forms.add(urlSafe(core));
      }
    }
    String alone = Base64.getEncoder().encodeToString(value);
    for (String enc : List.of(alone, urlSafe(alone))) {
      forms.add(enc);
      forms.add(enc.replace("=", ""));
      for (int width : new int[] {64, 76}) {
        for (int i = width; i < enc.length(); i += width) {
          forms.add(enc.substring(i - width, i));
          if (enc.length() - i >= 2 * SecretMasker.MIN_LENGTH) {
            forms.add(enc.substring(i, Math.min(enc.length(), i + width))); // the last, shorter line
          }
        }
      }
    }
  }

  private static String urlSafe(String base64) {
    return base64.replace('+', '-').replace('/', '_');
  }
}
