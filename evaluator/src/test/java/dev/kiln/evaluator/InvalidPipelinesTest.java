package dev.kiln.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kiln.model.KilnException;
import dev.kiln.model.PipelineException;
import dev.kiln.model.SourceLocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each {@code invalid/NN-name.pkl} must fail with exactly the error in {@code NN-name.err}. Run with
 * {@code KILN_UPDATE_GOLDEN=1} to rewrite the golden files, then review the diff.
 */
class InvalidPipelinesTest {
  private static final Path DIR = Path.of("src/test/resources/invalid");

  static Stream<Path> pipelines() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      return files.filter(p -> p.toString().endsWith(".pkl")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pipelines")
  void failsWithTheGoldenError(Path pipeline) throws IOException {
    PipelineException e = catchThrowableOfType(PipelineException.class,
        () -> PipelineEvaluator.builder().environment(Map.of("HOME", "/root")).build().evaluate(pipeline));
    assertThat(e).as("%s must be invalid", pipeline).isNotNull();
    String actual = render(e);
    Path golden = Path.of(pipeline.toString().replaceAll("\\.pkl$", ".err"));
    if ("1".equals(System.getenv("KILN_UPDATE_GOLDEN"))) {
      Files.writeString(golden, actual);
    }
    assertThat(actual).isEqualTo(Files.readString(golden));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pipelines")
  void locatesTheErrorInTheUsersFile(Path pipeline) {
    assertThatThrownBy(() -> PipelineEvaluator.builder().build().evaluate(pipeline))
        .isInstanceOfSatisfying(PipelineException.class, e -> assertThat(e.location())
            .hasValueSatisfying(loc -> assertThat(loc.file().getFileName()).isEqualTo(pipeline.getFileName())));
  }

  /** The error as the golden files hold it: file name only, so they do not depend on the checkout. */
  static String render(KilnException e) {
    if (e instanceof PipelineException p && p.problems().size() > 1) {
      StringBuilder all = new StringBuilder();
      p.problems().forEach(problem -> all.append(render(problem)));
      return all.append(p.problems().size()).append(" errors\n").toString();
    }
    StringBuilder out = new StringBuilder();
    e.location().ifPresentOrElse(
        loc -> out.append(new SourceLocation(loc.file().getFileName(), loc.line(), loc.column())),
        () -> out.append("kiln"));
    out.append(": ").append(e.getMessage()).append('\n');
    e.hint().ifPresent(h -> out.append("hint: ").append(h).append('\n'));
    return out.toString();
  }
}
