package dev.kiln.executor.testfn;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.KilnFunction;
import dev.kiln.function.Signature;
import java.util.Map;

/** {@code testfn.wrong}: returns a result its signature does not declare. */
public final class WrongResultsFunction implements KilnFunction {
  @Override
  public Signature signature() {
    return Signature.builder("testfn", "wrong").results("declared").build();
  }

  @Override
  public Object call(Arguments args, FunctionContext context) {
    return Map.of("other", "x");
  }
}
