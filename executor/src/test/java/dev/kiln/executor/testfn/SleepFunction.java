package dev.kiln.executor.testfn;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.KilnFunction;
import dev.kiln.function.Parameter;
import dev.kiln.function.Signature;
import dev.kiln.function.ValueType;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** {@code testfn.sleep}: sleeps; counts down {@link #INTERRUPTED} when interrupted. */
public final class SleepFunction implements KilnFunction {
  /** Counted down when a sleeping call is interrupted. */
  public static volatile CountDownLatch INTERRUPTED = new CountDownLatch(1);
  /** Counted down when a call starts sleeping. */
  public static volatile CountDownLatch STARTED = new CountDownLatch(1);

  @Override
  public Signature signature() {
    return Signature.builder("testfn", "sleep")
        .param(Parameter.required("millis", ValueType.INT, "How long."))
        .results("slept")
        .build();
  }

  @Override
  public Object call(Arguments args, FunctionContext context) {
    STARTED.countDown();
    try {
      Thread.sleep(args.integer("millis", 0));
    } catch (InterruptedException e) {
      INTERRUPTED.countDown();
      Thread.currentThread().interrupt();
      return Map.of();
    }
    return Map.of("slept", "yes");
  }
}
