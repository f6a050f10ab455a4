package dev.kiln.functions;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;
import dev.kiln.function.KilnFunction;
import dev.kiln.function.Signature;
import dev.kiln.function.ValueType;

/** {@code git.dirty()}: whether the work tree has changes. */
public final class GitDirty implements KilnFunction {
  @Override
  public Signature signature() {
    return Signature.builder("git", "dirty")
        .doc("Whether the work tree of the Git repository holding the project differs from HEAD: tracked files"
            + " changed (staged or not), added or deleted, or untracked files that are not ignored. The pipeline is"
            + " then evaluated on every run.")
        .returns(ValueType.BOOLEAN)
        .build();
  }

  @Override
  public Object call(Arguments args, FunctionContext context) throws FunctionException {
    context.uncacheable(); // the work tree, index or tags: not a few files Kiln can watch
    try (GitRepository git = GitRepository.of(context)) {
      return git.dirty();
    }
  }
}
