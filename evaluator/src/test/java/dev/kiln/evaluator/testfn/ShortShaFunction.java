package dev.kiln.evaluator.testfn;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.KilnFunction;
import dev.kiln.function.Signature;
import dev.kiln.function.ValueType;

/** {@code testfn.shortSha}: an evaluation-time function, which a task cannot call. */
public final class ShortShaFunction implements KilnFunction {
  @Override
  public Signature signature() {
    return Signature.builder("testfn", "shortSha").doc("A short commit id.").returns(ValueType.STRING).build();
  }

  @Override
  public Object call(Arguments args, FunctionContext context) {
    return "abc1234";
  }
}
