package dev.kiln.functions;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;
import dev.kiln.function.KilnFunction;
import dev.kiln.function.Signature;
import dev.kiln.function.ValueType;

/** {@code git.tag()}: a tag at the commit checked out. */
public final class GitTag implements KilnFunction {
  @Override
  public Signature signature() {
    return Signature.builder("git", "tag")
        .doc("The name of a tag pointing at the commit checked out (e.g. `v1.4.2`), or an empty string when"
            + " there is none; of several, an annotated tag before a lightweight one, then the highest version."
            + " The pipeline is then evaluated on every run.")
        .returns(ValueType.STRING)
        .build();
  }

  @Override
  public Object call(Arguments args, FunctionContext context) throws FunctionException {
    context.uncacheable(); // the work tree, index or tags: not a few files Kiln can watch
    try (GitRepository git = GitRepository.of(context)) {
      return git.tagAtHead();
    }
  }
}
