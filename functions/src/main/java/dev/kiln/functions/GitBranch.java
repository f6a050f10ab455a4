package dev.kiln.functions;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;
import dev.kiln.function.KilnFunction;
import dev.kiln.function.Signature;
import dev.kiln.function.ValueType;

/** {@code git.branch()}: the branch checked out. */
public final class GitBranch implements KilnFunction {
  @Override
  public Signature signature() {
    return Signature.builder("git", "branch")
        .doc("The name of the branch checked out in the Git repository holding the project (e.g. `main`), or an"
            + " empty string when HEAD is detached, as in many CI checkouts of a commit or tag. The evaluation is"
            + " reused until HEAD moves.")
        .returns(ValueType.STRING)
        .build();
  }

  @Override
  public Object call(Arguments args, FunctionContext context) throws FunctionException {
    try (GitRepository git = GitRepository.of(context)) {
      git.watchHead(context);
      return git.branch();
    }
  }
}
