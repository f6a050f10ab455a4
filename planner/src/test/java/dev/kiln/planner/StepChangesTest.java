package dev.kiln.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.planner.llb.Exec;
import dev.kiln.planner.llb.ImageRef;
import dev.kiln.planner.llb.LlbState;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.Platform;
import dev.kiln.planner.llb.Sources;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepChangesTest {
  private static dev.kiln.planner.llb.Definition def(String image, String env, String... args) {
    LlbState base = Sources.image(ImageRef.parse(image), Platform.LINUX_AMD64).withEnv("MODE", env);
    // The second step has no MODE: it changes only because the step before it did.
    return new Marshaller().marshal(
        base.run(Exec.of(args)).root().withoutEnv("MODE").run(Exec.of("sh", "-c", "echo after")).root());
  }

  @Test
  void namesTheStepAndWhatChangedNotTheStepsAfterIt() {
    var before = def("busybox:latest", "fast", "make", "test");
    var after = def("busybox:latest", "slow", "make", "test");
    var changes = StepChanges.between(before, after, Map.of());
    assertThat(changes).hasSize(1);
    assertThat(changes.get(0).step()).isEqualTo("exec make test");
    assertThat(changes.get(0).reasons()).containsExactly("environment: MODE changed");
  }

  @Test
  void aNewBaseImageDigestIsNamed() {
    var before = def("busybox@sha256:" + "a".repeat(64), "x", "true");
    var after = def("busybox@sha256:" + "b".repeat(64), "x", "true");
    var changes = StepChanges.between(before, after, Map.of());
    assertThat(changes).singleElement().satisfies(c -> assertThat(c.reasons().get(0))
        .contains("the image's digest changed"));
  }

  @Test
  void commandChangesAndUnchangedPlans() {
    var before = def("busybox:latest", "x", "make", "test");
    assertThat(StepChanges.between(before, before, Map.of())).isEmpty();
    var changes = StepChanges.between(before, def("busybox:latest", "x", "make", "verify"), Map.of());
    assertThat(changes).singleElement().satisfies(c ->
        assertThat(c.reasons()).containsExactly("command: make test  ->  make verify"));
    assertThat(StepChanges.between(null, before, Map.of())).singleElement()
        .satisfies(c -> assertThat(c.reasons()).containsExactly("no previous run of this target was recorded"));
  }

  @Test
  void changedFilesOfALocalSourceAreNamed() {
    LlbState local = Sources.local("src", dev.kiln.planner.llb.LocalOptions.NONE, "src");
    var d = new Marshaller().marshal(Sources.image(ImageRef.parse("busybox"), Platform.LINUX_AMD64)
        .run(Exec.of("cat", "/src/a").withMount(dev.kiln.planner.llb.Mounts.readonly("/src", local))).root());
    var changes = StepChanges.between(d, d, Map.of("src", List.of("a (modified)")));
    assertThat(changes).singleElement().satisfies(c -> {
      assertThat(c.step()).isEqualTo("local://src");
      assertThat(c.reasons()).containsExactly("file a (modified)");
    });
  }
}
