package dev.kiln.functions;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;
import dev.kiln.function.KilnFunction;
import dev.kiln.function.Parameter;
import dev.kiln.function.Signature;
import dev.kiln.function.ValueType;
import java.io.IOException;

/** {@code checksum.sha256(path)}: the SHA-256 of a project file, while the pipeline is evaluated. */
public final class ChecksumSha256 implements KilnFunction {
  @Override
  public Signature signature() {
    return Signature.builder("checksum", "sha256")
        .doc("The SHA-256 of the project file at [path], as 64 lower-case hex digits (what `sha256sum`"
            + " prints), e.g. for a cache key. For a file a task builds, use `checksum.ofFile` in a task.")
        .param(Parameter.required("path", ValueType.STRING, "The file, relative to the project root."))
        .returns(ValueType.STRING)
        .build();
  }

  @Override
  public Object call(Arguments args, FunctionContext context) throws FunctionException {
    String path = args.string("path");
    try {
      return Sha256.ofFile(ProjectFiles.file(context, path));
    } catch (IOException e) {
      throw ProjectFiles.unreadable(path, e);
    }
  }
}
