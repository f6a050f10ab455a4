package dev.kiln.planner;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A task's call of a run-time function, as the executor makes it: the function and its arguments.
 * Plain values ({@code String}, {@code Long}, {@code Double}, {@code Boolean}, {@code List},
 * {@code Map}) are passed as they are, after {@code @{result:<task>/<name>}} placeholders in their
 * strings are replaced; an {@link Input} is a file or directory the executor first copies out of
 * the engine (the task's {@link PlannedTarget.Kind#INPUT} target of that parameter); a {@link
 * SecretArg} is a secret's value, read on the host when the call runs and never planned.
 *
 * @param function the function's qualified name
 * @param args the arguments by parameter name, sorted
 */
public record PlannedCall(String function, SortedMap<String, Object> args) {
  public PlannedCall {
    Objects.requireNonNull(function, "function");
    args = Collections.unmodifiableSortedMap(new TreeMap<>(args));
  }

  /** A file or directory argument, materialized from the task's INPUT target for {@code param}. */
  public record Input(String param, boolean directory) {
    public Input {
      Objects.requireNonNull(param, "param");
    }
  }

  /** A secret argument: the value of the secret {@code name}. */
  public record SecretArg(String name) {
    public SecretArg {
      Objects.requireNonNull(name, "name");
    }
  }

  /** The argument values, nested lists and maps included, in a plan's display form. */
  public static String describe(Object value) {
    if (value instanceof String s) {
      return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }
    if (value instanceof Input in) {
      return (in.directory() ? "directory" : "file") + " from input " + in.param();
    }
    if (value instanceof SecretArg s) {
      return "secret " + s.name();
    }
    if (value instanceof List<?> l) {
      List<String> parts = new ArrayList<>();
      l.forEach(e -> parts.add(describe(e)));
      return "[" + String.join(", ", parts) + "]";
    }
    if (value instanceof Map<?, ?> m) {
      List<String> parts = new ArrayList<>();
      new TreeMap<>(m).forEach((k, v) -> parts.add(k + ": " + describe(v)));
      return "{" + String.join(", ", parts) + "}";
    }
    return String.valueOf(value);
  }
}
