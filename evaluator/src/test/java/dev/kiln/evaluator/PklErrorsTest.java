package dev.kiln.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kiln.model.KilnException;
import dev.kiln.model.PipelineException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pkl.core.Evaluator;
import org.pkl.core.EvaluatorBuilder;
import org.pkl.core.ModuleSource;
import org.pkl.core.PklException;
import org.pkl.core.module.ModuleKeyFactories;
import org.pkl.core.resource.ResourceReader;

/**
 * The evaluator's choke point on real Pkl errors: the location is the user's file:line:col from
 * Pkl's stack frames, and nothing of Pkl's rendering (excerpts, carets, boxes, its bug-report text
 * or a Java stack trace) is in the message or the hint.
 */
class PklErrorsTest {
  @TempDir Path project;

  private Path write(String name, String text) throws IOException {
    Path file = project.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  private KilnException evaluate(Path pipeline) {
    Throwable e = catchThrowable(() -> PipelineEvaluator.builder().build().evaluate(pipeline));
    assertThat(e).isInstanceOf(KilnException.class);
    return (KilnException) e;
  }

  private static String pipeline(String tasks) {
    return "amends \".kiln/schema/Pipeline.pkl\"\n\nlocal busybox = container.from(\"busybox:latest\")\n\n" + tasks;
  }

  /**
   * {@code e} is a pipeline error with {@code message} at {@code file:line:column}, and no trace of
   * how Pkl renders an error: only Kiln's message, hint and location reach the user.
   */
  private static void assertError(KilnException e, String message, String file, int line, int column) {
    assertThat(e).isInstanceOf(PipelineException.class);
    assertThat(e.getMessage()).isEqualTo(message);
    assertThat(e.location()).hasValueSatisfying(loc -> {
      assertThat(loc.file().getFileName()).isEqualTo(Path.of(file));
      assertThat(List.of(loc.line(), loc.column())).containsExactly(line, column);
    });
    assertClean(e);
  }

  /** Nothing of Pkl's rendering: no excerpt, caret, box, stack trace or bug-report text. */
  private static void assertClean(KilnException e) {
    String all = e.getMessage() + "\n" + e.hint().orElse("");
    assertThat(all).doesNotContain("––", "│", "┌", "└", "^^", " | ", "at kiln.", "bug report", "\tat ",
        "Pkl Error", "kiln-frame-");
  }

  @Test
  void anUndefinedPropertyIsLocatedWhereItIsRead() throws IOException {
    Path file = write("pipeline.pkl", pipeline("""
        tasks {
          ["a"] { run = busybox.withExec(List("echo", versoin)) }
        }
        """));

    KilnException e = evaluate(file);

    assertError(e, "Cannot find property `versoin`.", "pipeline.pkl", 6, 47);
  }

  @Test
  void aMissingRequiredPropertyPointsAtTheObjectThatLacksIt() throws IOException {
    Path file = write("pipeline.pkl", pipeline("""
        local token = new Secret { env = "TOKEN" }

        tasks {
          ["a"] { run = busybox.withSecretVariable("TOKEN", token) }
        }
        """));

    KilnException e = evaluate(file);

    assertError(e, "`Secret` is missing required property `name`", "pipeline.pkl", 5, 15);
  }

  @Test
  void aTypeMismatchIsLocatedAtTheValue() throws IOException {
    Path file = write("pipeline.pkl", pipeline("""
        tasks {
          ["a"] { description = 42 }
        }
        """));

    KilnException e = evaluate(file);

    assertError(e, "Expected value of type `String`, but got type `Int`.\nValue: 42", "pipeline.pkl", 6, 25);
  }

  @Test
  void aConstraintViolationOfAnArgumentIsLocatedAtTheCall() throws IOException {
    Path file = write("pipeline.pkl", pipeline("""
        tasks {
          ["a"] { run = busybox.withWorkdir("work") }
        }
        """));

    KilnException e = evaluate(file);

    // Pkl's frame for an argument is the call that passes it; the schema's rule is said in Kiln's words
    assertError(e, "`work` is not an absolute path", "pipeline.pkl", 6, 17);
    assertThat(e.hint()).contains("paths in the container start with '/': try \"/work\"");
  }

  @Test
  void anErrorInsideAnImportedModuleIsLocatedInThatModule() throws IOException {
    write("lib.pkl", """
        function jobs(n: Int): String = "-j" + (n + "x")
        """);
    Path file = write("pipeline.pkl", """
        amends ".kiln/schema/Pipeline.pkl"
        import "lib.pkl"

        local busybox = container.from("busybox:latest")

        tasks {
          ["a"] { run = busybox.withExec(List("make", lib.jobs(4))) }
        }
        """);

    KilnException e = evaluate(file);

    assertError(e, "Operator `+` is not defined for operand types `Int` and `String`.\nLeft operand : 4\n"
        + "Right operand: \"x\"", "lib.pkl", 1, 41);
  }

  @Test
  void pklsHintComesWithoutItsLayout() throws IOException {
    Path file = write("pipeline.pkl", pipeline("""
        tasks {
          ["a"] { descripton = "x" }
        }
        """));

    KilnException e = evaluate(file);

    assertError(e, "Cannot find property `descripton` in object of type `kiln.Pipeline#Task`.", "pipeline.pkl", 6, 11);
    assertThat(e.hint()).hasValue("did you mean: description");
  }

  @Test
  void anInternalPklErrorIsToldByItsCauseAtTheUsersLocationWithoutPklsBugReport() throws IOException {
    Path file = write("broken.pkl", "x = 1\ny = read(\"boom:now\")\n");
    PklErrors errors = new PklErrors(project.resolve(KilnSchema.DIRECTORY));
    PklException pkl;
    try (Evaluator evaluator = EvaluatorBuilder.unconfigured()
        .setStackFrameTransformer(errors)
        .setModuleKeyFactories(List.of(ModuleKeyFactories.standardLibrary, ModuleKeyFactories.file))
        .setResourceReaders(List.of(new Throwing()))
        .setAllowedModules(List.of(Pattern.compile("file:"), Pattern.compile("pkl:")))
        .setAllowedResources(List.of(Pattern.compile("boom:")))
        .build()) {
      pkl = (PklException) catchThrowable(() -> evaluator.evaluate(ModuleSource.path(file)));
    }
    assertThat(pkl.getMessage()).as("what Pkl itself says").contains("bug report");

    KilnException e = errors.convert(pkl, file, null);

    assertThat(e).isInstanceOf(PipelineException.class);
    assertThat(e.getMessage()).isEqualTo(
        "Pkl failed internally while evaluating the pipeline (IllegalStateException: the reader broke)");
    assertThat(e.location()).hasValueSatisfying(loc -> {
      assertThat(loc.file().getFileName()).isEqualTo(Path.of("broken.pkl"));
      assertThat(loc.line()).isEqualTo(2);
    });
    assertThat(e.hint()).hasValueSatisfying(h -> assertThat(h).contains("--stacktrace"));
    assertClean(e);
  }

  @Test
  void aTimeoutHasNoHeaderAndIsItsOwnMessage() {
    PklErrorText text = PklErrorText.parse("Evaluation timed out after 0.5 second(s).", "MARK");
    assertThat(text.message()).isEqualTo("Evaluation timed out after 0.5 second(s).");
    assertThat(text.hint()).isNull();
  }

  @Test
  void aHintInsideARepeatedGroupLosesItsMargin() {
    String rendered = String.join("\n", PklErrorText.HEADER, "A stack overflow occurred.", "",
        "┌─ 763 repetitions of:", "│ 3 | MARK", "│     ^", "│ at MARK (file:///p.pkl)", "", "│ Recurse less.", "└─", "",
        "4 | MARK", "    ^", "at MARK (file:///p.pkl)", "");
    PklErrorText text = PklErrorText.parse(rendered, "MARK");
    assertThat(text.message()).isEqualTo("A stack overflow occurred.");
    assertThat(text.hint()).isEqualTo("Recurse less.");
  }

  @Test
  void theHeadingOfARepeatedGroupIsNotAHint() {
    String rendered = String.join("\n", PklErrorText.HEADER, "boom", "", "1 | MARK", "    ^", "at MARK (file:///p.pkl)", "",
        "┌─ 5 repetitions of:", "│ 3 | MARK", "│     ^", "│ at MARK (file:///p.pkl)", "└─", "");
    PklErrorText text = PklErrorText.parse(rendered, "MARK");
    assertThat(text.message()).isEqualTo("boom");
    assertThat(text.hint()).isNull();
  }

  /** A resource reader with a bug: Pkl reports what it throws as its own internal error. */
  private static final class Throwing implements ResourceReader {
    @Override
    public String getUriScheme() {
      return "boom";
    }

    @Override
    public boolean isGlobbable() {
      return false;
    }

    @Override
    public boolean hasHierarchicalUris() {
      return false;
    }

    @Override
    public Optional<Object> read(URI uri) {
      throw new IllegalStateException("the reader broke");
    }
  }
}
