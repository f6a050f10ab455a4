package dev.kiln.functions;

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

/** {@code checksum.ofFile(file)}: the SHA-256 and size of a file a task built, as results. */
public final class ChecksumOfFile implements KilnFunction {
  @Override
  public Signature signature() {
    return Signature.builder("checksum", "ofFile")
        .doc("Digests [file] (typically a task's output) after the tasks it comes from; results `sha256`"
            + " (64 lower-case hex digits, what `sha256sum` prints) and `size` (in bytes).")
        .param(Parameter.required("file", ValueType.FILE, "The file to digest."))
        .results("sha256", "size")
        .build();
  }

  @Override
  public Object call(Arguments args, FunctionContext context) throws FunctionException {
    Path file = args.path("file");
    try {
      String sha = Sha256.ofFile(file);
      long size = Files.size(file);
      context.log("sha256 " + sha + " (" + size + " bytes)");
      return Map.of("sha256", sha, "size", Long.toString(size));
    } catch (IOException e) {
      throw new FunctionException("cannot digest the file: " + e.getMessage(), e);
    }
  }
}
