package dev.kiln.functions;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;
import dev.kiln.function.KilnFunction;
import dev.kiln.function.Parameter;
import dev.kiln.function.Signature;
import dev.kiln.function.ValueType;

/** {@code semver.bump(version, part)}: the next version. */
public final class SemverBump implements KilnFunction {
  @Override
  public Signature signature() {
    return Signature.builder("semver", "bump")
        .doc("The semantic version after [version], bumping [part]: `1.4.2` becomes `2.0.0` (major), `1.5.0`"
            + " (minor) or `1.4.3` (patch). A pre-release is released first, as npm does: `2.0.0-rc.1` bumped"
            + " by major is `2.0.0`. `preRelease` increments the last numeric pre-release identifier"
            + " (`1.0.0-rc.1` -> `1.0.0-rc.2`; `1.4.2` -> `1.4.3-0`). Build metadata is dropped.")
        .param(Parameter.required("version", ValueType.STRING, "A semantic version, e.g. `1.4.2`."))
        .param(Parameter.required("part", ValueType.STRING, "`major`, `minor`, `patch` or `preRelease`."))
        .returns(ValueType.STRING)
        .build();
  }

  @Override
  public Object call(Arguments args, FunctionContext context) throws FunctionException {
    SemVer version = SemverArgs.version(args, "version");
    SemVer.Part part;
    try {
      part = SemVer.Part.of(args.string("part"));
    } catch (IllegalArgumentException e) {
      throw new FunctionException(e.getMessage());
    }
    try {
      return version.bump(part).toString();
    } catch (ArithmeticException e) {
      throw new FunctionException("cannot bump the " + part.word + " of " + version + ": the number is too large");
    }
  }
}
