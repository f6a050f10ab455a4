package dev.kiln.functions;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;
import dev.kiln.function.KilnFunction;
import dev.kiln.function.Parameter;
import dev.kiln.function.Signature;
import dev.kiln.function.ValueType;

/** {@code semver.compare(a, b)}: SemVer 2.0.0 precedence. */
public final class SemverCompare implements KilnFunction {
  @Override
  public Signature signature() {
    return Signature.builder("semver", "compare")
        .doc("-1, 0 or 1 as [a] has lower, equal or higher precedence than [b] by SemVer 2.0.0: numbers"
            + " compare numerically, a pre-release is lower than its release (`1.0.0-rc.1` < `1.0.0`),"
            + " pre-release identifiers compare numerically or in ASCII order, and build metadata is"
            + " ignored (`1.0.0+a` equals `1.0.0+b`).")
        .param(Parameter.required("a", ValueType.STRING, "A semantic version."))
        .param(Parameter.required("b", ValueType.STRING, "The semantic version to compare it with."))
        .returns(ValueType.INT)
        .build();
  }

  @Override
  public Object call(Arguments args, FunctionContext context) throws FunctionException {
    int c = SemverArgs.version(args, "a").compareTo(SemverArgs.version(args, "b"));
    return (long) Integer.signum(c);
  }
}
