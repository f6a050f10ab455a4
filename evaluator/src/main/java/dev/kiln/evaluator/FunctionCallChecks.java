package dev.kiln.evaluator;

import dev.kiln.function.KilnFunction;
import dev.kiln.function.Parameter;
import dev.kiln.function.Phase;
import dev.kiln.function.Signature;
import dev.kiln.function.ValueType;
import dev.kiln.model.Directory;
import dev.kiln.model.File;
import dev.kiln.model.FunctionCall;
import dev.kiln.model.FunctionRegistry;
import dev.kiln.model.Pipeline;
import dev.kiln.model.PipelineException;
import dev.kiln.model.Secret;
import dev.kiln.model.Suggestions;
import dev.kiln.model.Task;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;

/**
 * The checks of tasks' function calls against the functions' signatures: the function exists and
 * runs as a task, every required argument is given, none is unknown, each has its parameter's type,
 * and every {@code @{result:<task>/<name>}} placeholder names a result that a task the caller
 * (transitively) depends on declares. The first failure is thrown with a location.
 */
final class FunctionCallChecks {
  private final SourceIndex source;
  private final Supplier<FunctionRegistry> registry;

  /** @param registry the functions calls may name; asked for only when a task has a call */
  FunctionCallChecks(SourceIndex source, Supplier<FunctionRegistry> registry) {
    this.source = source;
    this.registry = registry;
  }

  /**
   * Checks every call and returns the pipeline with each call task's results set to its function's.
   *
   * @throws PipelineException for the first call that does not fit its function
   */
  Pipeline check(Pipeline pipeline) {
    if (pipeline.tasks().values().stream().noneMatch(t -> t.call() != null)) {
      return pipeline;
    }
    FunctionRegistry functions = registry.get();
    Map<String, Signature> signatures = new LinkedHashMap<>();
    for (Task task : pipeline.tasks().values()) {
      if (task.call() != null) {
        signatures.put(task.name(), signature(task, functions));
      }
    }
    Map<String, Task> tasks = new LinkedHashMap<>();
    pipeline.tasks().forEach((name, task) -> tasks.put(name,
        signatures.containsKey(name) ? task.withResults(signatures.get(name).results()) : task));
    for (Task task : tasks.values()) {
      Signature s = signatures.get(task.name());
      if (s != null) {
        arguments(task, s);
        placeholders(task, tasks);
      }
    }
    return pipeline.withTasks(tasks);
  }

  private Signature signature(Task task, FunctionRegistry functions) {
    String name = task.call().name();
    KilnFunction f = functions.find(name).orElse(null);
    if (f == null) {
      Set<String> known = new TreeSet<>();
      functions.all().forEach(k -> {
        if (k.signature().phase() == Phase.RUN) {
          known.add(k.signature().qualifiedName());
        }
      });
      String hint = Suggestions.closest(name, known).map(b -> "did you mean `" + b + "`?")
          .orElse(known.isEmpty() ? "no run-time functions are installed; add the plugin jar that provides it"
              : "run-time functions: " + String.join(", ", known));
      throw new PipelineException("task `" + task.name() + "` calls unknown function `" + name + "`",
          source.literal(task.name(), name), hint);
    }
    Signature s = f.signature();
    if (s.phase() != Phase.RUN) {
      throw new PipelineException("function `" + name + "` runs while the pipeline is evaluated, so task `"
          + task.name() + "` cannot call it", source.literal(task.name(), name),
          "use its value in Pkl where it is needed; a task's `call` takes run-time functions");
    }
    return s;
  }

  private void arguments(Task task, Signature s) {
    FunctionCall call = task.call();
    for (String given : call.args().keySet()) {
      if (s.parameter(given) == null) {
        List<String> names = s.parameters().stream().map(Parameter::name).toList();
        String hint = Suggestions.closest(given, names).map(b -> "did you mean `" + b + "`?")
            .orElse(names.isEmpty() ? "`" + s.qualifiedName() + "` takes no arguments"
                : "its parameters: " + String.join(", ", names));
        throw new PipelineException("function `" + s.qualifiedName() + "` has no parameter `" + given
            + "` (task `" + task.name() + "`)", source.literal(task.name(), given), hint);
      }
    }
    for (Parameter p : s.parameters()) {
      Object value = call.args().get(p.name());
      if (value == null) {
        if (!p.optional()) {
          throw new PipelineException("task `" + task.name() + "` calls `" + s.qualifiedName()
              + "` without its required argument `" + p.name() + "`", source.literal(task.name(), s.qualifiedName()),
              "add `[\"" + p.name() + "\"] = ...` (" + p.type() + (p.doc().isEmpty() ? "" : ": " + p.doc()) + ")");
        }
        continue;
      }
      String mismatch = mismatch(p.type(), value);
      if (mismatch != null) {
        throw new PipelineException("argument `" + p.name() + "` of task `" + task.name() + "` is " + mismatch
            + ", but `" + s.qualifiedName() + "` takes " + article(p.type()), source.literal(task.name(), p.name()),
            p.doc().isEmpty() ? "pass " + article(p.type()) : p.name() + ": " + p.doc());
      }
    }
  }

  /** Why {@code value} is not a {@code type}, or null when it is. */
  static String mismatch(ValueType type, Object value) {
    boolean fits = switch (type.kind()) {
      case "string" -> value instanceof String;
      case "int" -> value instanceof Long;
      case "float" -> value instanceof Double || value instanceof Long;
      case "boolean" -> value instanceof Boolean;
      case "any" -> plainData(value);
      case "file" -> value instanceof File;
      case "directory" -> value instanceof Directory;
      case "secret" -> value instanceof Secret;
      case "list" -> value instanceof List<?>;
      case "map" -> value instanceof Map<?, ?>;
      default -> false;
    };
    if (!fits) {
      return article(pklType(value));
    }
    if (value instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        String inner = mismatch(type.element(), l.get(i));
        if (inner != null) {
          return "a list whose element " + i + " is " + inner;
        }
      }
    } else if (value instanceof Map<?, ?> m && type.kind().equals("map")) {
      for (var e : m.entrySet()) {
        String inner = mismatch(type.element(), e.getValue());
        if (inner != null) {
          return "a map whose entry `" + e.getKey() + "` is " + inner;
        }
      }
    }
    return null;
  }

  /** Strings, numbers, booleans, lists and maps of them: what {@code Dynamic} parameters take. */
  private static boolean plainData(Object value) {
    if (value instanceof List<?> l) {
      return l.stream().allMatch(FunctionCallChecks::plainData);
    }
    if (value instanceof Map<?, ?> m) {
      return m.values().stream().allMatch(FunctionCallChecks::plainData);
    }
    return value instanceof String || value instanceof Long || value instanceof Double || value instanceof Boolean;
  }

  private static String pklType(Object value) {
    if (value instanceof String) {
      return "String";
    } else if (value instanceof Long) {
      return "Int";
    } else if (value instanceof Double) {
      return "Float";
    } else if (value instanceof Boolean) {
      return "Boolean";
    } else if (value instanceof List<?>) {
      return "List";
    } else if (value instanceof Map<?, ?>) {
      return "Map";
    }
    return value.getClass().getSimpleName(); // Directory, File, Secret
  }

  private static String article(Object type) {
    String t = String.valueOf(type).replace("Pipeline.", "");
    return ("AEIOU".indexOf(t.charAt(0)) >= 0 ? "an " : "a ") + t;
  }

  private void placeholders(Task task, Map<String, Task> tasks) {
    Set<String> upstream = upstream(task, tasks);
    for (String text : strings(task.call().args().values())) {
      Matcher m = FunctionCall.RESULT_PLACEHOLDER.matcher(text);
      while (m.find()) {
        String from = m.group(1);
        String result = m.group(2);
        if (!upstream.contains(from)) {
          String hint = tasks.containsKey(from)
              ? "add `\"" + from + "\"` to the `dependsOn` of task `" + task.name() + "`"
              : PipelineChecks.suggestion(from, tasks.keySet());
          throw new PipelineException("task `" + task.name() + "` uses result `" + result + "` of "
              + (tasks.containsKey(from) ? "task `" + from + "`, which it does not depend on" : "unknown task `" + from + "`"),
              source.literal(task.name(), m.group()), hint);
        }
        List<String> declared = tasks.get(from).givenResults();
        if (!declared.contains(result)) {
          String hint = Suggestions.closest(result, declared).map(b -> "did you mean `" + b + "`?")
              .orElse(declared.isEmpty() ? "task `" + from + "` declares no results; list them in its `results`"
                  : "its results: " + String.join(", ", declared));
          throw new PipelineException("task `" + task.name() + "` uses result `" + result + "` of task `" + from
              + "`, which declares no such result", source.literal(task.name(), m.group()), hint);
        }
      }
    }
  }

  /** The tasks {@code task} depends on, directly or not. */
  private static Set<String> upstream(Task task, Map<String, Task> tasks) {
    Set<String> seen = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(task.dependsOn());
    while (!todo.isEmpty()) {
      String t = todo.poll();
      if (seen.add(t) && tasks.containsKey(t)) {
        todo.addAll(tasks.get(t).dependsOn());
      }
    }
    return seen;
  }

  /** Every string in {@code values}, in lists and maps too. */
  private static List<String> strings(Iterable<?> values) {
    List<String> out = new ArrayList<>();
    for (Object v : values) {
      if (v instanceof String s) {
        out.add(s);
      } else if (v instanceof List<?> l) {
        out.addAll(strings(l));
      } else if (v instanceof Map<?, ?> m) {
        out.addAll(strings(m.values()));
      }
    }
    return out;
  }
}
