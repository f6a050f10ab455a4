package dev.kiln.functions;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;
import dev.kiln.function.KilnFunction;
import dev.kiln.function.Parameter;
import dev.kiln.function.Signature;
import dev.kiln.function.ValueType;
import java.io.IOException;
import java.util.Map;

/** {@code checksum.ofDirectory(dir)}: one SHA-256 for a directory tree a task built, as results. */
public final class ChecksumOfDirectory implements KilnFunction {
  @Override
  public Signature signature() {
    return Signature.builder("checksum", "ofDirectory")
        .doc("Digests the directory [dir] (typically a task's output) after the tasks it comes from; results"
            + " `sha256`, over its files' paths and contents (the SHA-256 of `sha256sum`'s lines for every file,"
            + " sorted by path; timestamps and permissions do not count), and `files` (how many).")
        .param(Parameter.required("dir", ValueType.DIRECTORY, "The directory to digest."))
        .results("sha256", "files")
        .build();
  }

  @Override
  public Object call(Arguments args, FunctionContext context) throws FunctionException {
    try {
      Sha256.Tree tree = Sha256.ofTree(args.path("dir"));
      context.log("sha256 " + tree.sha256() + " (" + tree.files() + " files)");
      return Map.of("sha256", tree.sha256(), "files", Long.toString(tree.files()));
    } catch (IOException e) {
      throw new FunctionException("cannot digest the directory: " + e.getMessage(), e);
    }
  }
}
