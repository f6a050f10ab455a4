package dev.kiln.executor;

import dev.kiln.model.FunctionCall;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Replaces {@code @{result:<task>/<name>}} placeholders (what {@code resultOf} writes) in a call's
 * arguments with the results of tasks that already ran; lists and maps are walked. A value's one
 * trailing line break (as {@code echo} writes it) is dropped, so a version read from a file fits
 * inside a URL.
 */
final class ResultPlaceholders {
  private ResultPlaceholders() {}

  /**
   * {@code value} with every placeholder replaced.
   *
   * @param results task -> result name -> value, for the tasks that ran before
   * @throws IllegalArgumentException when a placeholder names a result that is not there
   */
  static Object expand(Object value, Map<String, Map<String, String>> results) {
    if (value instanceof String s) {
      return expand(s, results);
    }
    if (value instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(e -> out.add(expand(e, results)));
      return List.copyOf(out);
    }
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put((String) k, expand(v, results)));
      return Collections.unmodifiableMap(out);
    }
    return value;
  }

  private static String expand(String text, Map<String, Map<String, String>> results) {
    Matcher m = FunctionCall.RESULT_PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = results.getOrDefault(m.group(1), Map.of()).get(m.group(2));
      if (value == null) {
        throw new IllegalArgumentException("result `" + m.group(2) + "` of task `" + m.group(1) + "` is not known");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(withoutTrailingLineBreak(value)));
    }
    return m.appendTail(out).toString();
  }

  static String withoutTrailingLineBreak(String value) {
    if (value.endsWith("\r\n")) {
      return value.substring(0, value.length() - 2);
    }
    return value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
  }
}
