package dev.kiln.executor;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionException;
import dev.kiln.function.KilnFunction;
import dev.kiln.planner.PlannedCall;
import dev.kiln.planner.PlannedTask;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Makes one task's function call: builds its {@link Arguments} (materialized inputs, secret values,
 * placeholders replaced by earlier results), calls the function on a thread of its own, within the
 * time limit and until the task is cancelled, and checks that it returned exactly its declared
 * results. Every failure is a {@link SolveException} of the task.
 */
final class FunctionCaller {

  private final CallSettings settings;
  private final Path projectRoot;

  FunctionCaller(CallSettings settings, Path projectRoot) {
    this.settings = settings;
    this.projectRoot = projectRoot;
  }

  /**
   * Calls {@code task}'s function.
   *
   * @param inputs the host path of each file or directory argument, by parameter
   * @param upstream the results of the tasks that ran before, by task and name
   * @param log receives the lines the function logs
   * @return the function's results, by name
   * @throws SolveException when the call fails, times out or is cancelled ({@link SolveException#cancelled()})
   */
  Map<String, String> call(PlannedTask task, Map<String, Path> inputs, Map<String, Map<String, String>> upstream,
      Consumer<String> log) {
    PlannedCall call = task.call();
    String name = call.function();
    KilnFunction function = settings.functions().find(name).orElseThrow(() -> failure(
        "function " + name + " is not installed", "add the plugin jar that provides it", null));
    Arguments args = Arguments.of(arguments(task, inputs, upstream));
    CallContext context = new CallContext(projectRoot, log);
    ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "kiln-call " + task.name());
      t.setDaemon(true); // a function that ignores interrupts must not keep Kiln alive
      return t;
    });
    try {
      Future<Object> result = worker.submit(() -> function.call(args, context));
      return results(task, wait(task, result));
    } finally {
      worker.shutdownNow();
    }
  }

  private Map<String, Object> arguments(PlannedTask task, Map<String, Path> inputs,
      Map<String, Map<String, String>> upstream) {
    Map<String, Object> args = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : task.call().args().entrySet()) {
      Object value = e.getValue();
      if (value instanceof PlannedCall.Input in) {
        args.put(e.getKey(), inputs.get(in.param()));
      } else if (value instanceof PlannedCall.SecretArg s) {
        args.put(e.getKey(), secret(task, s.name()));
      } else {
        try {
          args.put(e.getKey(), ResultPlaceholders.expand(value, upstream));
        } catch (IllegalArgumentException x) {
          throw failure("argument `" + e.getKey() + "`: " + x.getMessage(),
              "make the task depend on the task whose result it uses", null);
        }
      }
    }
    return args;
  }

  private String secret(PlannedTask task, String name) {
    try {
      byte[] value = settings.secrets().get(name).orElseThrow(() -> new IOException("secret '" + name
          + "' is not declared"));
      // Read from a file, a value usually ends with a line break that is not part of the secret.
      return ResultPlaceholders.withoutTrailingLineBreak(new String(value, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw failure(e.getMessage(), "set the variable or create the file the secret reads", e);
    }
  }

  private Object wait(PlannedTask task, Future<Object> result) {
    String name = task.call().function();
    Duration timeout = task.limits().maybeTimeout().orElse(settings.timeout());
    try {
      return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      result.cancel(true);
      Thread.currentThread().interrupt();
      throw SolveException.cancelled("call of " + name + " cancelled", e);
    } catch (TimeoutException e) {
      result.cancel(true);
      throw failure(name + " did not finish within " + DurationText.of(timeout) + " and was cancelled",
          "check what the function waits for", null);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof FunctionException fe) {
        throw failure(name + ": " + fe.getMessage(), null, null);
      }
      String origin = settings.functions().origin(name);
      throw failure(name + " failed with " + cause.getClass().getName()
          + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
          + ". This is a bug in the function, not in the pipeline",
          "report it to the authors of " + name + (origin == null ? "" : " (from " + origin + ")"), null);
    }
  }

  /** The declared results, as strings; anything else a function returns is a bug in it. */
  private Map<String, String> results(PlannedTask task, Object returned) {
    String name = task.call().function();
    String bug = "this is a bug in the function, not in the pipeline";
    if (!(returned instanceof Map<?, ?> map)) {
      throw failure(name + " returned " + (returned == null ? "null" : "a " + returned.getClass().getSimpleName())
          + " instead of its results " + task.results() + "; " + bug, "report it to the function's authors", null);
    }
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String key) || !(e.getValue() instanceof String value)) {
        throw failure(name + " returned a result that is not a string (" + e.getKey() + "); " + bug,
            "report it to the function's authors", null);
      }
      if (value.getBytes(StandardCharsets.UTF_8).length > ResultStore.MAX_RESULT) {
        throw failure("result `" + key + "` of " + name + " is larger than " + ResultStore.MAX_RESULT
            + " bytes; results are small values", null, null);
      }
      out.put(key, value);
    }
    if (!out.keySet().equals(new TreeSet<>(task.results()))) {
      throw failure(name + " returned the results " + out.keySet() + ", but its signature declares "
          + new TreeSet<>(task.results()) + "; " + bug, "report it to the function's authors", null);
    }
    return out;
  }

  private static SolveException failure(String message, String hint, Throwable cause) {
    return SolveException.failed(message, hint, cause);
  }
}
