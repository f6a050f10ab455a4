package dev.kiln.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A task's call of a run-time Java function: its qualified name and its arguments.
 *
 * <p>Argument values are {@code String}, {@code Long}, {@code Double}, {@code Boolean}, {@code
 * List} and {@code Map} (string keys) of those, or the model's {@link Directory}, {@link File} and
 * {@link Secret}. A null argument (an optional parameter set to {@code null}) is left out. Strings
 * may hold {@code @{result:<task>/<name>}} placeholders, replaced when the call runs.
 *
 * @param name the function's qualified name, {@code namespace.name}
 * @param args the arguments by parameter name, in the order the pipeline gives them
 */
public record FunctionCall(String name, Map<String, Object> args) {
  /** A placeholder as {@code resultOf} writes it: group 1 is the task, group 2 the result's name. */
  public static final Pattern RESULT_PLACEHOLDER = Pattern.compile("@\\{result:([^/}]*)/([^}]*)}");

  public FunctionCall {
    Objects.requireNonNull(name, "name");
    args = Collections.unmodifiableMap(new LinkedHashMap<>(copy(args)));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> copy(Map<String, ?> map) {
    var out = new LinkedHashMap<String, Object>();
    map.forEach((k, v) -> out.put(Objects.requireNonNull(k, "argument name"), copyValue(v)));
    return out;
  }

  private static Object copyValue(Object v) {
    Objects.requireNonNull(v, "argument value");
    if (v instanceof List<?> l) {
      var out = new ArrayList<Object>(l.size());
      l.forEach(e -> out.add(copyValue(e)));
      return Collections.unmodifiableList(out);
    }
    if (v instanceof Map<?, ?> m) {
      var out = new LinkedHashMap<String, Object>();
      m.forEach((k, e) -> out.put((String) k, copyValue(e)));
      return Collections.unmodifiableMap(out);
    }
    if (v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean
        || v instanceof Directory || v instanceof File || v instanceof Secret) {
      return v;
    }
    throw new IllegalArgumentException("a function argument cannot be a " + v.getClass().getName());
  }

  /** A call of {@code name} with {@code args}. */
  public static FunctionCall of(String name, Map<String, ?> args) {
    return new FunctionCall(name, copy(args));
  }
}
