package dev.kiln.functions;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;
import dev.kiln.function.KilnFunction;
import dev.kiln.function.Parameter;
import dev.kiln.function.Signature;
import dev.kiln.function.ValueType;

/** {@code semver.parse(version)}: the parts of a semantic version. */
public final class SemverParse implements KilnFunction {
  @Override
  public Signature signature() {
    return Signature.builder("semver", "parse")
        .doc("The parts of the semantic version [version] (SemVer 2.0.0): `major`, `minor` and `patch` (Int),"
            + " `preRelease` and `build` (String, null when absent); e.g. `2.0.0-rc.1+b5` has preRelease"
            + " `rc.1` and build `b5`. Fails on anything that is not a semantic version.")
        .param(Parameter.required("version", ValueType.STRING, "A semantic version, e.g. `1.4.2` or `2.0.0-rc.1`."))
        .returns(ValueType.ANY)
        .build();
  }

  @Override
  public Object call(Arguments args, FunctionContext context) throws FunctionException {
    return SemverArgs.version(args, "version").toMap();
  }
}
