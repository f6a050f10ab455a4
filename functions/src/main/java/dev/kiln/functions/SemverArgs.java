package dev.kiln.functions;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionException;

/** Reads version arguments of the {@code semver} functions. */
final class SemverArgs {
  private SemverArgs() {}

  /** The argument {@code name} as a version; an invalid one fails the call, naming the parameter. */
  static SemVer version(Arguments args, String name) throws FunctionException {
    try {
      return SemVer.parse(args.string(name));
    } catch (IllegalArgumentException e) {
      throw new FunctionException("argument `" + name + "`: " + e.getMessage());
    }
  }
}
