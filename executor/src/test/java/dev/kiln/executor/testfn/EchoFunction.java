package dev.kiln.executor.testfn;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.KilnFunction;
import dev.kiln.function.Parameter;
import dev.kiln.function.Signature;
import dev.kiln.function.ValueType;
import java.util.Map;

/** {@code testfn.echo}: returns what it was given, to show how arguments arrive. */
public final class EchoFunction implements KilnFunction {
  @Override
  public Signature signature() {
    return Signature.builder("testfn", "echo")
        .param(Parameter.required("text", ValueType.STRING, "Echoed."))
        .param(Parameter.optional("tags", ValueType.listOf(ValueType.STRING), "Joined."))
        .param(Parameter.optional("secret", ValueType.SECRET, "Echoed."))
        .param(Parameter.optional("file", ValueType.FILE, "Its path is echoed."))
        .results("text", "tags", "secret", "file")
        .build();
  }

  @Override
  public Object call(Arguments args, FunctionContext context) {
    context.log("echoing\nin two lines");
    return Map.of("text", args.string("text"), "tags", String.join(",", args.<String>list("tags")),
        "secret", args.string("secret", ""), "file", String.valueOf(args.path("file")));
  }
}
