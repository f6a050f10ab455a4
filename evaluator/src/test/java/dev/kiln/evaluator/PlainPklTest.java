package dev.kiln.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kiln.model.Pipeline;
import dev.kiln.model.PipelineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pkl.core.Evaluator;
import org.pkl.core.EvaluatorBuilder;
import org.pkl.core.ModuleSource;
import org.pkl.core.PModule;
import org.pkl.core.PObject;
import org.pkl.core.PklException;

/**
 * What an editor's Pkl sees: the examples evaluate with a plain Pkl evaluator that knows nothing of
 * Kiln (only {@code file:} and {@code pkl:} modules, Kiln's schema as {@code kiln schema} writes it
 * to {@code .kiln/schema/}), to the same tasks as Kiln's; and a type error is reported by plain Pkl
 * at the line where {@code kiln validate} reports it.
 */
class PlainPklTest {
  @TempDir Path dir;

  private static Evaluator plainPkl() {
    return EvaluatorBuilder.preconfigured()
        .setAllowedModules(List.of(Pattern.compile("file:"), Pattern.compile("pkl:")))
        .setAllowedResources(List.of(Pattern.compile("file:"), Pattern.compile("env:"), Pattern.compile("prop:")))
        .build();
  }

  private Path copy(Path pipeline) throws IOException {
    Path project = Files.createDirectories(dir.resolve("project"));
    Path file = Files.copy(pipeline, project.resolve(pipeline.getFileName()));
    KilnSchema.writeTo(project);
    return file;
  }

  @ParameterizedTest
  @ValueSource(strings = {"hello", "fan-out", "go", "java-maven", "dockerfile"})
  void anExampleEvaluatesInPlainPklToKilnsTasks(String example) throws IOException {
    Path file = copy(Path.of("..", "examples", example, "pipeline.pkl"));
    PModule module;
    try (Evaluator pkl = plainPkl()) {
      module = pkl.evaluate(ModuleSource.path(file));
    }
    Pipeline kiln = PipelineEvaluator.builder().build().evaluate(file);
    assertThat(((Map<?, ?>) module.getProperty("tasks")).keySet().stream().map(String::valueOf).toList())
        .containsExactlyInAnyOrderElementsOf(kiln.tasks().keySet());
    assertThat(module.getProperty("params")).isInstanceOf(PObject.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"03-bad-task-name", "05-relative-workdir", "14-export-without-run", "54-depends-on-a-list"})
  void aTypeErrorIsOnTheSameLineInPlainPklAsInKiln(String name) throws IOException {
    Path file = copy(Path.of("src/test/resources/invalid", name + ".pkl"));
    PklException plain;
    try (Evaluator pkl = plainPkl()) {
      plain = catchThrowableOfType(PklException.class, () -> pkl.evaluate(ModuleSource.path(file)));
    }
    PipelineException kiln = catchThrowableOfType(PipelineException.class,
        () -> PipelineEvaluator.builder().build().evaluate(file));
    assertThat(plain).as("plain Pkl refuses it too").isNotNull();
    assertThat(kiln).isNotNull();
    int line = kiln.location().orElseThrow().line();
    // Pkl's frames: the source line, its caret, then "at member (file URI)"
    assertThat(plain.getMessage()).containsPattern(
        "(?m)^" + line + " \\| .*\\n.*\\nat [^\\n]*" + Pattern.quote(file.getFileName().toString()));
  }
}
