package dev.kiln.functions;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;
import dev.kiln.function.KilnFunction;
import dev.kiln.function.Parameter;
import dev.kiln.function.Signature;
import dev.kiln.function.ValueType;

/** {@code git.changedFiles(since)}: what changed since a revision. */
public final class GitChangedFiles implements KilnFunction {
  @Override
  public Signature signature() {
    return Signature.builder("git", "changedFiles")
        .doc("The files that differ between the commit [since] names and the work tree, as paths relative to"
            + " the repository root, sorted: committed changes since then, staged and unstaged changes, deleted"
            + " files, and untracked files that are not ignored (a renamed file appears under both names)."
            + " The pipeline is then evaluated on every run.")
        .param(Parameter.required("since", ValueType.STRING,
            "A revision: a branch (`origin/main`), tag, commit id or expression such as `HEAD~3`."))
        .returns(ValueType.listOf(ValueType.STRING))
        .build();
  }

  @Override
  public Object call(Arguments args, FunctionContext context) throws FunctionException {
    context.uncacheable(); // the work tree, index or tags: not a few files Kiln can watch
    try (GitRepository git = GitRepository.of(context)) {
      return git.changedFiles(args.string("since"));
    }
  }
}
