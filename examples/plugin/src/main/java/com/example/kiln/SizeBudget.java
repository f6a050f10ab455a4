package com.example.kiln;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;
import dev.kiln.function.KilnFunction;
import dev.kiln.function.Parameter;
import dev.kiln.function.Signature;
import dev.kiln.function.ValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code budget.check(dir, maxBytes)}: fails the run when build outputs outgrow their budget.
 * Run-time: Kiln copies the directory out of the engine after the tasks it depends on, then calls
 * this; the results ({@code files}, {@code bytes}) are printed and readable by later tasks.
 */
public final class SizeBudget implements KilnFunction {
  @Override
  public Signature signature() {
    return Signature.builder("budget", "check")
        .doc("Checks that the files under [dir] add up to at most [maxBytes]; results `files` (how many)"
            + " and `bytes` (their total size).")
        .param(Parameter.required("dir", ValueType.DIRECTORY, "The build output to measure."))
        .param(Parameter.required("maxBytes", ValueType.INT, "The budget, in bytes."))
        .results("files", "bytes")
        .build();
  }

  @Override
  public Object call(Arguments args, FunctionContext context) throws FunctionException {
    Path dir = args.path("dir");
    long max = args.integer("maxBytes", Long.MAX_VALUE);
    long files = 0;
    long bytes = 0;
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
        files++;
        bytes += Files.size(p);
      }
    } catch (IOException e) {
      throw new FunctionException("cannot measure " + dir + ": " + e.getMessage());
    }
    context.log(files + " files, " + bytes + " bytes (budget " + max + ")");
    if (bytes > max) {
      throw new FunctionException("the output is " + bytes + " bytes, over its budget of " + max
          + " by " + (bytes - max) + " bytes");
    }
    return Map.of("files", Long.toString(files), "bytes", Long.toString(bytes));
  }
}
