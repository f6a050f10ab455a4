package dev.kiln.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.executor.secrets.SecretStore;
import dev.kiln.executor.testfn.SleepFunction;
import dev.kiln.function.FunctionException;
import dev.kiln.model.FunctionRegistry;
import dev.kiln.model.SecretSource;
import dev.kiln.planner.PlannedCall;
import dev.kiln.planner.PlannedTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Making a call: arguments, time limit, cancellation, and what a function may return. */
class FunctionCallerTest {
  private static final FunctionRegistry FUNCTIONS = FunctionRegistry.builtIn();

  @TempDir Path root;

  private FunctionCaller caller(Duration timeout) {
    SecretStore secrets = new SecretStore(Map.of("tok", new SecretSource.Environment("TOK")), Map.of("TOK", "s3cret\n"), root);
    return new FunctionCaller(new CallSettings(FUNCTIONS, secrets, timeout), root);
  }

  private static PlannedTask task(String function, Map<String, Object> args, String... results) {
    return new PlannedTask("t", "", List.of(), true, List.of(), new TreeSet<>(), new TreeSet<>(), List.of(results),
        new PlannedCall(function, new TreeMap<>(args)));
  }

  @Test
  void argumentsGetInputsSecretValuesAndEarlierResults() {
    PlannedTask t = task("testfn.echo", Map.of(
        "text", "v@{result:make/version}-@{result:make/build}",
        "tags", List.of("a", "@{result:make/build}"),
        "secret", new PlannedCall.SecretArg("tok"),
        "file", new PlannedCall.Input("file", false)), "text", "tags", "secret", "file");
    List<String> log = new ArrayList<>();

    Map<String, String> results = caller(Duration.ofSeconds(5)).call(t, Map.of("file", root.resolve("in/a.txt")),
        Map.of("make", Map.of("version", "1.2\n", "build", "7")), log::add);

    assertThat(results).containsExactly(Map.entry("file", root.resolve("in/a.txt").toString()),
        Map.entry("secret", "s3cret"), Map.entry("tags", "a,7"), Map.entry("text", "v1.2-7"));
    assertThat(log).containsExactly("echoing", "in two lines");
  }

  @Test
  void aResultThatIsNotThereFailsTheTask() {
    PlannedTask t = task("testfn.echo", Map.of("text", "@{result:make/nope}"), "text", "tags", "secret", "file");
    assertThatThrownBy(() -> caller(Duration.ofSeconds(5)).call(t, Map.of(), Map.of(), l -> { }))
        .isInstanceOf(SolveException.class).hasMessage("argument `text`: result `nope` of task `make` is not known");
  }

  @Test
  void aCallOverItsTimeLimitIsCancelledAndFails() {
    SleepFunction.INTERRUPTED = new CountDownLatch(1);
    PlannedTask t = task("testfn.sleep", Map.of("millis", 30_000L), "slept");
    long start = System.nanoTime();
    assertThatThrownBy(() -> caller(Duration.ofMillis(200)).call(t, Map.of(), Map.of(), l -> { }))
        .isInstanceOfSatisfying(SolveException.class, e -> assertThat(e.cancelled()).isFalse())
        .hasMessage("testfn.sleep did not finish within 0.2 s and was cancelled");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void interruptingTheTaskCancelsTheCall() throws Exception {
    SleepFunction.INTERRUPTED = new CountDownLatch(1);
    SleepFunction.STARTED = new CountDownLatch(1);
    PlannedTask t = task("testfn.sleep", Map.of("millis", 30_000L), "slept");
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread taskThread = new Thread(() -> {
      try {
        caller(Duration.ofMinutes(1)).call(t, Map.of(), Map.of(), l -> { });
      } catch (Throwable e) {
        thrown.set(e);
      }
    });
    taskThread.start();
    assertThat(SleepFunction.STARTED.await(5, TimeUnit.SECONDS)).isTrue();
    taskThread.interrupt(); // what PlanRunner.interrupt() does to a running task (Ctrl-C)
    taskThread.join(5_000);

    assertThat(thrown.get()).isInstanceOfSatisfying(SolveException.class, e -> assertThat(e.cancelled()).isTrue());
    assertThat(SleepFunction.INTERRUPTED.await(5, TimeUnit.SECONDS)).as("the function's thread was interrupted").isTrue();
  }

  @Test
  void resultsOtherThanTheDeclaredOnesAreTheFunctionsBug() {
    PlannedTask t = task("testfn.wrong", Map.of(), "declared");
    assertThatThrownBy(() -> caller(Duration.ofSeconds(5)).call(t, Map.of(), Map.of(), l -> { }))
        .isInstanceOf(SolveException.class)
        .hasMessage("testfn.wrong returned the results [other], but its signature declares [declared];"
            + " this is a bug in the function, not in the pipeline");
  }

  @Test
  void theContextResolvesOnlyInsideTheProject() throws Exception {
    Files.createDirectories(root.resolve("sub"));
    Files.createSymbolicLink(root.resolve("sub/out"), Path.of("/etc"));
    CallContext context = new CallContext(root, l -> { });

    assertThat(context.resolve("sub/../a.txt")).isEqualTo(root.toAbsolutePath().normalize().resolve("a.txt"));
    assertThatThrownBy(() -> context.resolve("../x")).isInstanceOf(FunctionException.class)
        .hasMessageContaining("outside the project");
    assertThatThrownBy(() -> context.resolve("/etc/passwd")).isInstanceOf(FunctionException.class)
        .hasMessageContaining("absolute");
    assertThatThrownBy(() -> context.resolve("sub/out")).isInstanceOf(FunctionException.class)
        .hasMessageContaining("outside the project");
    assertThatThrownBy(() -> context.resolve("sub/out/passwd")).isInstanceOf(FunctionException.class)
        .hasMessageContaining("outside the project");
    // a dangling link could be made to point anywhere later
    Files.createSymbolicLink(root.resolve("sub/dangling"), Path.of("/nonexistent-" + System.nanoTime()));
    assertThatThrownBy(() -> context.resolve("sub/dangling")).isInstanceOf(FunctionException.class)
        .hasMessageContaining("outside the project");
    // not yet existing files inside the project are fine
    assertThat(context.resolve("sub/new/file.txt")).isEqualTo(root.toAbsolutePath().normalize().resolve("sub/new/file.txt"));
  }

  @Test
  void placeholdersAreReplacedInNestedValues() {
    Object expanded = ResultPlaceholders.expand(Map.of("k", List.of("@{result:a/b}!", 3L)),
        Map.of("a", Map.of("b", "x\r\n")));
    assertThat(expanded).isEqualTo(Map.of("k", List.of("x!", 3L)));
  }
}
