package dev.kiln.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.model.Pipeline;
import dev.kiln.planner.llb.Definition;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fixed digests, checked in: any change to what the planner emits for the examples shows up
 * here, and the same expected values hold on every JVM and run. To accept an intended change,
 * run with {@code -Dkiln.golden.update=true} and review the diff of {@code golden/*.digests}.
 */
class GoldenDigestTest {
  private static Plan plan(Pipeline p, EngineCapabilities engine) {
    return PlannerBuilder.preconfigured().setImageConfigs(Fixtures.images())
        .addIgnoreFile(".", IgnoreFile.parse("*.log\n"))
        .setEngineCapabilities(engine).build().plan(p, List.of());
  }

  /** Every target's ops, one {@code task kind digest} line each, result marked. */
  static String digests(Plan plan) {
    var out = new StringBuilder();
    for (PlannedTask task : plan.tasks()) {
      for (PlannedTarget target : task.targets()) {
        Definition def = target.definition();
        out.append(task.name()).append(' ').append(target.kind()).append(" result ")
            .append(def.resultDigest()).append('\n');
        for (String d : def.digests()) {
          out.append("  ").append(d).append('\n');
        }
      }
    }
    return out.toString();
  }

  private static void assertGolden(String name, String actual) throws IOException {
    String resource = "/golden/" + name + ".digests";
    if (Boolean.getBoolean("kiln.golden.update")) {
      Path file = Path.of("src/test/resources" + resource);
      Files.writeString(file, actual);
      return;
    }
    try (InputStream in = GoldenDigestTest.class.getResourceAsStream(resource)) {
      assertThat(in).as("golden file %s (create it with -Dkiln.golden.update=true)", resource).isNotNull();
      assertThat(actual).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void mavenExampleOnDocker2010() throws IOException {
    assertGolden("maven-docker-20.10", digests(plan(Fixtures.maven(), EngineCapabilities.dockerV20_10())));
  }

  @Test
  void mavenExampleOnCurrentBuildKit() throws IOException {
    // deploy's secret file mount is the same on both; nothing here needs a newer cap, so the
    // digests equal Docker 20.10's: a plan only changes where the engine changes the lowering
    Plan current = plan(Fixtures.maven(), EngineCapabilities.latest());
    assertThat(digests(current)).isEqualTo(digests(plan(Fixtures.maven(), EngineCapabilities.dockerV20_10())));
  }

  @Test
  void twoPlannerRunsGiveTheSameBytes() {
    Plan a = plan(Fixtures.maven(), EngineCapabilities.dockerV20_10());
    Plan b = plan(Fixtures.maven(), EngineCapabilities.dockerV20_10());
    for (int t = 0; t < a.tasks().size(); t++) {
      for (int g = 0; g < a.tasks().get(t).targets().size(); g++) {
        assertThat(b.tasks().get(t).targets().get(g).definition().toByteArray())
            .isEqualTo(a.tasks().get(t).targets().get(g).definition().toByteArray());
      }
    }
  }

  @Test
  void definitionsRoundTripThroughTheWire() throws Exception {
    Plan plan = plan(Fixtures.maven(), EngineCapabilities.dockerV20_10());
    Definition def = plan.task("test").orElseThrow().targets().get(0).definition();
    Definition back = Definition.fromPb(dev.kiln.planner.llb.pb.Definition.parseFrom(def.toByteArray()));
    assertThat(back).isEqualTo(def);
    var ops = PlannedOp.of(back);
    assertThat(ops).extracting(PlannedOp::kind).containsExactly("image", "local", "file", "exec");
    assertThat(ops.get(0).summary()).isEqualTo("docker-image://docker.io/library/eclipse-temurin:17@" + Fixtures.DIGEST);
    assertThat(ops.get(1).summary()).isEqualTo(
        "local://. local.excludepatterns=[\"*.log\",\"target/\",\".git/\"] local.sharedkeyhint=.");
    assertThat(ops.get(2).summary()).isEqualTo("copy / -> /src");
    assertThat(ops.get(3).summary()).isEqualTo("mvn -B test [cache m2 at /root/.m2]");
    assertThat(back.op(3).getExec().getMeta().getCwd()).isEqualTo("/src");
  }
}
