package dev.kiln.functions;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;
import dev.kiln.function.KilnFunction;
import dev.kiln.function.Parameter;
import dev.kiln.function.Signature;
import dev.kiln.function.ValueType;

/** {@code git.sha(short)}: the commit checked out. */
public final class GitSha implements KilnFunction {
  @Override
  public Signature signature() {
    return Signature.builder("git", "sha")
        .doc("The id of the commit checked out (HEAD) in the Git repository holding the project: 40 hex digits,"
            + " or with [short] an abbreviation of at least 7 that is unique in the repository. Fails when the"
            + " project is not in a repository or it has no commits. The evaluation is reused until HEAD moves.")
        .param(Parameter.optional("short", ValueType.BOOLEAN, "Whether to abbreviate the id (as `git rev-parse --short`)."))
        .returns(ValueType.STRING)
        .build();
  }

  @Override
  public Object call(Arguments args, FunctionContext context) throws FunctionException {
    try (GitRepository git = GitRepository.of(context)) {
      git.watchHead(context);
      return git.sha(args.bool("short", false) ? 7 : 0);
    }
  }
}
