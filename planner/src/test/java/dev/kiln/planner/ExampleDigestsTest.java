package dev.kiln.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.evaluator.PipelineEvaluator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The examples in {@code examples/}, evaluated from their Pkl and planned for Docker 20.10, give
 * the digests checked in under {@code golden/examples/}: on every run and every JVM. Image configs
 * are left unresolved (no engine), so the digests depend on the pipelines and the planner alone.
 * To accept an intended change: {@code -Dkiln.golden.update=true}, then review the diff.
 */
class ExampleDigestsTest {
  static Plan plan(String example) {
    Path file = Path.of("..", "examples", example, "pipeline.pkl");
    var pipeline = PipelineEvaluator.builder().build().evaluate(file);
    var builder = PlannerBuilder.preconfigured().setEngineCapabilities(EngineCapabilities.dockerV20_10());
    for (String dir : HostDirectories.of(pipeline)) {
      builder.addIgnoreFile(dir, IgnoreFile.EMPTY);
    }
    return builder.build().plan(pipeline, List.of());
  }

  @ParameterizedTest
  @ValueSource(strings = {"hello", "fan-out", "java-maven", "go"})
  void digestsAreTheCheckedInOnes(String example) throws IOException {
    String actual = GoldenDigestTest.digests(plan(example));
    String resource = "/golden/examples/" + example + ".digests";
    if (Boolean.getBoolean("kiln.golden.update")) {
      Path out = Path.of("src/test/resources" + resource);
      Files.createDirectories(out.getParent());
      Files.writeString(out, actual);
      return;
    }
    try (InputStream in = ExampleDigestsTest.class.getResourceAsStream(resource)) {
      assertThat(in).as("golden file %s (create it with -Dkiln.golden.update=true)", resource).isNotNull();
      assertThat(actual).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void planningTwiceGivesTheSameBytes() {
    for (String example : List.of("fan-out", "java-maven")) {
      Plan a = plan(example);
      Plan b = plan(example);
      for (int t = 0; t < a.tasks().size(); t++) {
        for (int i = 0; i < a.tasks().get(t).targets().size(); i++) {
          assertThat(a.tasks().get(t).targets().get(i).definition().toByteArray())
              .isEqualTo(b.tasks().get(t).targets().get(i).definition().toByteArray());
        }
      }
    }
  }
}
