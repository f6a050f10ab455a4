package dev.kiln.evaluator.testfn;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.KilnFunction;
import dev.kiln.function.Parameter;
import dev.kiln.function.Signature;
import dev.kiln.function.ValueType;
import java.util.Map;

/** {@code testfn.count}: a run-time function with every kind of parameter, for the checks' tests. */
public final class CountFunction implements KilnFunction {
  @Override
  public Signature signature() {
    return Signature.builder("testfn", "count")
        .doc("Counts the lines of a file.")
        .param(Parameter.required("file", ValueType.FILE, "The file to count."))
        .param(Parameter.required("label", ValueType.STRING, "A label for the count."))
        .param(Parameter.optional("times", ValueType.INT, "How often."))
        .param(Parameter.optional("tags", ValueType.listOf(ValueType.STRING), "Tags."))
        .param(Parameter.optional("token", ValueType.SECRET, "A token."))
        .param(Parameter.optional("dir", ValueType.DIRECTORY, "A directory."))
        .param(Parameter.optional("extra", ValueType.ANY, "Anything."))
        .results("count", "label")
        .build();
  }

  @Override
  public Object call(Arguments args, FunctionContext context) {
    return Map.of("count", "0", "label", args.string("label"));
  }
}
