package dev.kiln.evaluator;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;
import dev.kiln.function.KilnFunction;
import dev.kiln.function.Parameter;
import dev.kiln.function.Signature;
import dev.kiln.function.ValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Functions of namespace {@code testfn}, registered for the evaluator's tests in {@code
 * src/test/resources/META-INF/services/dev.kiln.function.KilnFunction}.
 */
public final class TestFunctions {
  private TestFunctions() {}

  /** {@code testfn.upper(s: String): String}. */
  public static final class Upper implements KilnFunction {
    @Override
    public Signature signature() {
      return Signature.builder("testfn", "upper").doc("[s] in upper case.")
          .param(Parameter.required("s", ValueType.STRING, "Any text.")).returns(ValueType.STRING).build();
    }

    @Override
    public Object call(Arguments args, FunctionContext context) {
      return args.string("s").toUpperCase(Locale.ROOT);
    }
  }

  /** {@code testfn.echo(s: String, suffix: String?, times: Int?): String}: round-trip checks. */
  public static final class Echo implements KilnFunction {
    @Override
    public Signature signature() {
      return Signature.builder("testfn", "echo").doc("[s], [times] times, each followed by [suffix].")
          .param(Parameter.required("s", ValueType.STRING, "The text."))
          .param(Parameter.optional("suffix", ValueType.STRING, "Appended to each copy."))
          .param(Parameter.optional("times", ValueType.INT, "How many copies; default 1."))
          .returns(ValueType.STRING).build();
    }

    @Override
    public Object call(Arguments args, FunctionContext context) {
      return (args.string("s") + args.string("suffix", "")).repeat((int) args.integer("times", 1));
    }
  }

  /** {@code testfn.sum(xs: List<Int>): Int}. */
  public static final class Sum implements KilnFunction {
    @Override
    public Signature signature() {
      return Signature.builder("testfn", "sum").doc("The sum of [xs].")
          .param(Parameter.required("xs", ValueType.listOf(ValueType.INT), "Numbers.")).returns(ValueType.INT).build();
    }

    @Override
    public Object call(Arguments args, FunctionContext context) {
      return args.<Long>list("xs").stream().mapToLong(Long::longValue).sum();
    }
  }

  /** {@code testfn.half(x: Float): Float}. */
  public static final class Half implements KilnFunction {
    @Override
    public Signature signature() {
      return Signature.builder("testfn", "half").doc("Half of [x].")
          .param(Parameter.required("x", ValueType.FLOAT, "A number.")).returns(ValueType.FLOAT).build();
    }

    @Override
    public Object call(Arguments args, FunctionContext context) {
      return args.number("x", 0) / 2;
    }
  }

  /** {@code testfn.lengths(words: List<String>): Map<String, Int>}. */
  public static final class Lengths implements KilnFunction {
    @Override
    public Signature signature() {
      return Signature.builder("testfn", "lengths").doc("Each of [words] with its length.")
          .param(Parameter.required("words", ValueType.listOf(ValueType.STRING), "Words."))
          .returns(ValueType.mapOf(ValueType.INT)).build();
    }

    @Override
    public Object call(Arguments args, FunctionContext context) {
      Map<String, Long> m = new LinkedHashMap<>();
      args.<String>list("words").forEach(w -> m.put(w, (long) w.length()));
      return m;
    }
  }

  /** {@code testfn.grid(): List<List<Boolean>>} and {@code testfn.meta(): Dynamic}. */
  public static final class Meta implements KilnFunction {
    @Override
    public Signature signature() {
      return Signature.builder("testfn", "meta").doc("A JSON-like object.")
          .param(Parameter.optional("tags", ValueType.mapOf(ValueType.BOOLEAN), "Flags, echoed."))
          .returns(ValueType.ANY).build();
    }

    @Override
    public Object call(Arguments args, FunctionContext context) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", "kiln");
      m.put("versions", List.of(1L, 2.5, "three"));
      m.put("tags", args.map("tags"));
      return m;
    }
  }

  /** {@code testfn.fail(message: String): String} always throws a {@link FunctionException}. */
  public static final class Fail implements KilnFunction {
    @Override
    public Signature signature() {
      return Signature.builder("testfn", "fail").doc("Fails with [message].")
          .param(Parameter.required("message", ValueType.STRING, "What to say.")).returns(ValueType.STRING).build();
    }

    @Override
    public Object call(Arguments args, FunctionContext context) throws FunctionException {
      throw new FunctionException(args.string("message"));
    }
  }

  /** {@code testfn.crash(): String}: a bug (a RuntimeException). */
  public static final class Crash implements KilnFunction {
    @Override
    public Signature signature() {
      return Signature.builder("testfn", "crash").doc("Has a bug.").returns(ValueType.STRING).build();
    }

    @Override
    public Object call(Arguments args, FunctionContext context) {
      throw new IllegalStateException("index out of whack");
    }
  }

  /**
   * {@code testfn.stall(): String}: blocks, deaf to interrupts, until {@link #RELEASE} is counted
   * down, as a read of a device or a hung network call would.
   */
  public static final class Stall implements KilnFunction {
    static final CountDownLatch RELEASE = new CountDownLatch(1);

    @Override
    public Signature signature() {
      return Signature.builder("testfn", "stall").doc("Never answers.").returns(ValueType.STRING).build();
    }

    @Override
    public Object call(Arguments args, FunctionContext context) {
      while (RELEASE.getCount() > 0) {
        try {
          RELEASE.await();
        } catch (InterruptedException e) {
          // deaf: only the hard timeout can give up on this call
        }
      }
      return "released";
    }
  }

  /** {@code testfn.recurse(): String}: overflows the stack. */
  public static final class Recurse implements KilnFunction {
    @Override
    public Signature signature() {
      return Signature.builder("testfn", "recurse").doc("Recurses without end.").returns(ValueType.STRING).build();
    }

    @Override
    public Object call(Arguments args, FunctionContext context) {
      return deeper(0);
    }

    private static String deeper(int n) {
      return n < 0 ? "" : deeper(n + 1) + "x";
    }
  }

  /** {@code testfn.liar(): String}: returns a number. */
  public static final class Liar implements KilnFunction {
    @Override
    public Signature signature() {
      return Signature.builder("testfn", "liar").doc("Returns the wrong type.").returns(ValueType.STRING).build();
    }

    @Override
    public Object call(Arguments args, FunctionContext context) {
      return 42;
    }
  }

  /** {@code testfn.readFile(path: String): String}: a project file's text, which it depends on. */
  public static final class ReadFile implements KilnFunction {
    @Override
    public Signature signature() {
      return Signature.builder("testfn", "readFile").doc("The text of the project file [path].")
          .param(Parameter.required("path", ValueType.STRING, "Relative to the project root."))
          .returns(ValueType.STRING).build();
    }

    @Override
    public Object call(Arguments args, FunctionContext context) throws FunctionException {
      Path file = context.resolve(args.string("path"));
      context.dependsOn(file);
      try {
        return Files.readString(file).strip();
      } catch (IOException e) {
        throw new FunctionException("cannot read " + args.string("path") + ": " + e);
      }
    }
  }

  /** {@code testfn.now(): Int}: uncacheable. */
  public static final class Now implements KilnFunction {
    @Override
    public Signature signature() {
      return Signature.builder("testfn", "now").doc("The time, in ms.").returns(ValueType.INT).build();
    }

    @Override
    public Object call(Arguments args, FunctionContext context) {
      context.uncacheable();
      return System.currentTimeMillis();
    }
  }

  /** {@code testfn.import(class: String): String}: Pkl keywords as names. */
  public static final class Keyword implements KilnFunction {
    @Override
    public Signature signature() {
      return Signature.builder("testfn", "import").doc("Says [class].")
          .param(Parameter.required("class", ValueType.STRING, "A keyword.")).returns(ValueType.STRING).build();
    }

    @Override
    public Object call(Arguments args, FunctionContext context) {
      return "imported " + args.string("class");
    }
  }

  /** {@code testfn.deploy(site: Directory, target: String, dryRun: Boolean?)}: a run-time function. */
  public static final class Deploy implements KilnFunction {
    @Override
    public Signature signature() {
      return Signature.builder("testfn", "deploy").doc("Uploads [site] to [target].")
          .param(Parameter.required("site", ValueType.DIRECTORY, "The files."))
          .param(Parameter.required("target", ValueType.STRING, "Where to."))
          .param(Parameter.optional("dryRun", ValueType.BOOLEAN, "Only say what would happen."))
          .results("url").build();
    }

    @Override
    public Object call(Arguments args, FunctionContext context) {
      return Map.of("url", "https://" + args.string("target"));
    }
  }
}
