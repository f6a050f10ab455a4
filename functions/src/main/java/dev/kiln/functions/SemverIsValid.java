package dev.kiln.functions;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.KilnFunction;
import dev.kiln.function.Parameter;
import dev.kiln.function.Signature;
import dev.kiln.function.ValueType;

/** {@code semver.isValid(version)}: whether a string is a semantic version. */
public final class SemverIsValid implements KilnFunction {
  @Override
  public Signature signature() {
    return Signature.builder("semver", "isValid")
        .doc("Whether [version] is a semantic version by SemVer 2.0.0 (`1.4.2`, `2.0.0-rc.1+b5`; not `v1.4.2`,"
            + " `1.4` or `01.4.2`).")
        .param(Parameter.required("version", ValueType.STRING, "The string to check."))
        .returns(ValueType.BOOLEAN)
        .build();
  }

  @Override
  public Object call(Arguments args, FunctionContext context) {
    return SemVer.isValid(args.string("version"));
  }
}
