package dev.kiln.cli.testfn;

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

/**
 * {@code testfn.count}: counts a file's lines. Logs its token (which Kiln must mask) and returns it
 * as a result (which Kiln must mask too), so the end-to-end tests can see that the value arrived.
 */
public final class CountFunction implements KilnFunction {
  @Override
  public Signature signature() {
    return Signature.builder("testfn", "count")
        .doc("Counts the lines of a file.")
        .param(Parameter.required("file", ValueType.FILE, "The file to count."))
        .param(Parameter.required("label", ValueType.STRING, "Goes into the summary."))
        .param(Parameter.optional("token", ValueType.SECRET, "Logged and echoed, to test masking."))
        .results("lines", "summary", "tokenEcho")
        .build();
  }

  @Override
  public Object call(Arguments args, FunctionContext context) throws FunctionException {
    Path file = args.path("file");
    long lines;
    try {
      lines = Files.readAllLines(file).size();
    } catch (IOException e) {
      throw new FunctionException("cannot read " + file + ": " + e.getMessage(), e);
    }
    String token = args.string("token", "");
    context.log("read " + lines + " lines from " + file.getFileName());
    context.log("token=" + token);
    return Map.of("lines", String.valueOf(lines),
        "summary", args.string("label") + ":" + lines + ":" + token.length(),
        "tokenEcho", token);
  }
}
