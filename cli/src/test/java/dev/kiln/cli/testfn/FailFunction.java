package dev.kiln.cli.testfn;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;
import dev.kiln.function.KilnFunction;
import dev.kiln.function.Parameter;
import dev.kiln.function.Signature;
import dev.kiln.function.ValueType;

/** {@code testfn.fail}: fails as a function should ({@code bug = false}) or as a buggy one does. */
public final class FailFunction implements KilnFunction {
  @Override
  public Signature signature() {
    return Signature.builder("testfn", "fail")
        .doc("Fails.")
        .param(Parameter.required("message", ValueType.STRING, "What to say."))
        .param(Parameter.optional("bug", ValueType.BOOLEAN, "Throw a RuntimeException instead."))
        .results("never")
        .build();
  }

  @Override
  public Object call(Arguments args, FunctionContext context) throws FunctionException {
    if (args.bool("bug", false)) {
      throw new IllegalStateException(args.string("message"));
    }
    throw new FunctionException(args.string("message"));
  }
}
