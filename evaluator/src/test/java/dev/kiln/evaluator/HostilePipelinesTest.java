package dev.kiln.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kiln.model.Pipeline;
import dev.kiln.model.PipelineException;
import dev.kiln.model.SourceLocation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pkl.core.PklBugException;

/**
 * Pipelines written to hang or crash the evaluator: each ends in a {@link PipelineException} (exit
 * 2) with a clear message, in bounded time, never in a Java {@code Error} or Pkl's bug report.
 */
class HostilePipelinesTest {
  @TempDir Path dir;

  private Path write(String body) throws IOException {
    return Files.writeString(dir.resolve("pipeline.pkl"), "amends \".kiln/schema/Pipeline.pkl\"\n" + body);
  }

  private static PipelineException failure(PipelineEvaluator.Builder builder, Path file) {
    PipelineException e = catchThrowableOfType(PipelineException.class, () -> builder.build().evaluate(file));
    assertThat(e).as("%s must be refused", file).isNotNull();
    assertThat(e.getMessage()).doesNotContain("bug report").doesNotContain("\tat ").doesNotContain("–– Pkl Error ––");
    assertThat(e.location()).hasValueSatisfying(l -> assertThat(l.file().getFileName()).isEqualTo(file.getFileName()));
    return e;
  }

  private static PipelineException failure(Path file) {
    return failure(PipelineEvaluator.builder(), file);
  }

  private Path fifo(String name) throws Exception {
    Path fifo = dir.resolve(name);
    Process p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).as("mkfifo").isTrue();
    return fifo;
  }

  @Test
  void aReadOfAFifoIsRefusedAtTheRead() throws Exception {
    fifo("pipe");
    Path file = write("""
        local x = read("pipe").text
        tasks { ["a"] { description = x } }
        """);
    long start = System.nanoTime();
    PipelineException e = failure(file);
    assertThat(e.getMessage()).contains("pipe` is a named pipe (FIFO), not a regular file");
    assertThat(e.location().orElseThrow().line()).isEqualTo(2);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void anImportOfAFifoAndAReadOfADirectoryAreRefused() throws Exception {
    fifo("lib.pkl");
    PipelineException imported = failure(write("import \"lib.pkl\"\ntasks { [\"a\"] { description = lib.x } }\n"));
    assertThat(imported.getMessage()).contains("named pipe (FIFO), not a regular file");

    Files.createDirectories(dir.resolve("sub"));
    PipelineException directory = failure(write("tasks { [\"a\"] { description = read(\"sub\").text } }\n"));
    assertThat(directory.getMessage()).contains("sub` is a directory, not a regular file");
  }

  @Test
  void aPipelineFileThatIsAFifoIsRefusedWithoutReadingIt() throws Exception {
    Path pipe = fifo("pipeline.pkl");
    PipelineException e = catchThrowableOfType(PipelineException.class,
        () -> PipelineEvaluator.builder().build().evaluate(pipe));
    assertThat(e.getMessage()).isEqualTo("the pipeline `" + PklErrors.display(pipe)
        + "` is a named pipe (FIFO), not a regular file");
  }

  @Test
  void aCallThatNeverReturnsIsAbandonedAtTheDeadline() throws IOException {
    Path file = write("""
        import ".kiln/schema/functions/testfn.pkl"
        tasks { ["a"] { description = testfn.stall() } }
        """);
    long start = System.nanoTime();
    try {
      PipelineException e = failure(PipelineEvaluator.builder().timeout(Duration.ofSeconds(1)), file);
      assertThat(e.getMessage()).isEqualTo("evaluation did not finish within 1 s");
      assertThat(e.hint()).hasValueSatisfying(h -> assertThat(h).contains("blocks"));
      // Pkl's own timeout cannot stop a Java call; the hard deadline is the timeout plus 2 s.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    } finally {
      TestFunctions.Stall.RELEASE.countDown(); // lets the abandoned thread end
    }
  }

  @Test
  void aLiteralNestedFiveThousandDeepIsAClearError() throws IOException {
    String nested = "new Listing { ".repeat(5000) + "1" + " }".repeat(5000);
    PipelineException e = failure(write("local d = " + nested + "\ntasks { [\"a\"] { description = d.toString() } }\n"));
    assertThat(e.getMessage()).containsAnyOf("nests too deeply", "stack overflow");
  }

  @Test
  void containersAndDirectoriesNestedAThousandDeepAreAClearError() throws IOException {
    StringBuilder body = new StringBuilder("local b = container.from(\"busybox:latest\")\nlocal d0 = emptyDirectory()\n");
    for (int i = 1; i <= 1000; i++) {
      body.append("local d").append(i).append(" = b.withDirectory(\"/x\", d").append(i - 1).append(").directory(\"/x\")\n");
    }
    body.append("tasks { [\"a\"] { run = b.withDirectory(\"/y\", d1000).withExec(List(\"true\")) } }\n");
    PipelineException e = failure(write(body.toString()));
    assertThat(e.getMessage()).containsAnyOf("nests too deeply", "stack overflow");
  }

  @Test
  void aStringPastTheJvmLimitIsAClearError() throws IOException {
    PipelineException e = failure(write("""
        local s = "xy".repeat(1073741823)
        tasks { ["a"] { description = s } }
        """));
    assertThat(e.getMessage()).startsWith("the pipeline needs more memory than evaluation may use");
  }

  @Test
  void anEvaluationPastItsHeapCeilingIsStopped() throws IOException {
    Path file = write("""
        local parts = List(1, 2, 3, 4, 5, 6, 7, 8).map((i) -> "\\(i)".repeat(50000000))
        tasks { ["a"] { description = parts.join("") } }
        """);
    PipelineException e = failure(PipelineEvaluator.builder().memoryLimit(64L << 20), file);
    assertThat(e.getMessage()).isEqualTo("evaluation used more than 64 MiB of memory and was stopped");
  }

  @Test
  void aFunctionThatOverflowsItsStackIsABugInThatFunction() throws IOException {
    PipelineException e = failure(write("""
        import ".kiln/schema/functions/testfn.pkl"
        tasks { ["a"] { description = testfn.recurse() } }
        """));
    assertThat(e.getMessage()).isEqualTo("function `testfn.recurse` failed with java.lang.StackOverflowError");
  }

  @Test
  void aByteOrderMarkIsNotPartOfTheSource() throws IOException {
    Path file = dir.resolve("pipeline.pkl");
    Files.write(file, ("\uFEFFamends \".kiln/schema/Pipeline.pkl\"\n"
        + "tasks { [\"a\"] { description = \"hi\" } }\n").getBytes(StandardCharsets.UTF_8));
    Pipeline p = PipelineEvaluator.builder().build().evaluate(file);
    assertThat(p.tasks().get("a").description()).isEqualTo("hi");
    assertThat(p.tasks().get("a").location().column()).isEqualTo(9);

    Files.write(file, ("\uFEFFamends \".kiln/schema/Pipeline.pkl\"\n"
        + "tasks { [\"a\"] { description = 42 } }\n").getBytes(StandardCharsets.UTF_8));
    PipelineException e = failure(file);
    assertThat(e.location().orElseThrow().line()).isEqualTo(2);
    assertThat(e.getMessage()).doesNotContain("Invalid identifier");
  }

  @Test
  void pklsInternalErrorsReadAsOneSentence() {
    var bug = new PklBugException("An unexpected error has occurred. Would you mind filing a bug report?\n"
        + "at org.pkl.core.Foo(Foo.java:1)", new IllegalStateException("node not initialized\nat x"));
    PipelineException e = EvaluatorFailures.of(bug, SourceLocation.of(Path.of("pipeline.pkl")));
    assertThat(e.getMessage()).isEqualTo(
        "Pkl failed internally while evaluating the pipeline (IllegalStateException: node not initialized)");
    assertThat(EvaluatorFailures.of(new PklBugException("An unexpected error has occurred."), null).getMessage())
        .isEqualTo("Pkl failed internally while evaluating the pipeline (no cause given)");
    assertThat(EvaluatorFailures.of(new PklBugException(new StackOverflowError()), null).getMessage())
        .startsWith("the pipeline nests too deeply");
  }
}
