package dev.kiln.planner.llb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The digests a BuildKit v0.16+ gives Kiln's ops. The expected values were computed by buildkitd
 * v0.24.0's own code (its loadLLB's re-marshalling, inputs renamed first) from this definition's
 * bytes: the engine's progress, errors and error details name these ops by them.
 */
class EngineDigestsTest {
  private static Definition definition() {
    LlbState base = Sources.image(ImageRef.parse("busybox"), Platform.LINUX_AMD64);
    LlbState a = base.run(Exec.of("sh", "-c", "echo a > /a")).root();
    LlbState b = base.run(Exec.of("sh", "-c", "exit 3")).root();
    return new Marshaller().marshal(
        a.file(List.of(new FileAction.Copy(b.output(), "/b", "/b", FileAction.CopyOptions.DEFAULT)), ""));
  }

  @Test
  void eachOpIsFoundByTheDigestTheEngineComputesAnew() {
    Definition def = definition();
    assertThat(def.digests()).containsExactly(
        "sha256:f8dc22c19ed40883b2c15c23258d57ef55fa8e6838c1fae78028a09132ef408f",
        "sha256:95b2ebf0f8cadc4e784f7ea004a60ae75b9bd2b538c39bebe685cee0791b45fc",
        "sha256:6196a5e9d2be6400ea364ac66196a263da8bb81bed5da43141d26a0b9017c9a0",
        "sha256:c6e3a1354f3942701fcc38a48cb29f9374d26ae95124e555be6f51ae0f560ae1",
        "sha256:2973f544223b49f9771a40acf393b03232b11413f4b465d2044d0a0a05f91f31");
    List<String> engine = List.of(
        "sha256:a3b466f6d3d96ab903acf284e2cb37333e7c279d811687c1e943abe9d25c4e96",
        "sha256:5cbadffbdd99562d291d31df4c2e067c3f046d6cb8b2f325c791ef178f701a22",
        "sha256:3c94e482dd9b6f64185eceb84811e69915e4d63a54debbb469e35aa087f2f4b4",
        "sha256:20134e04704a0dd4bfb9cab3f9e43217eebb74d2c858d92ea84a23518ef272cf",
        "sha256:41aba1a0a0a265837e8c94da57bee7db71e705afce53d19f6e35c39cf9adb087");
    for (int i = 0; i < engine.size(); i++) {
      assertThat(def.ownDigest(engine.get(i))).isEqualTo(def.digests().get(i));
      assertThat(def.indexOf(engine.get(i))).isEqualTo(i);
      // An engine that keeps the bytes' digests (BuildKit before v0.16, Docker 20.10's) names them as Kiln does.
      assertThat(def.indexOf(def.digests().get(i))).isEqualTo(i);
    }
    assertThat(def.indexOf("sha256:" + "0".repeat(64))).isEqualTo(-1);
  }

  @Test
  void aStampedDefinitionMapsTheEnginesDigestsBackToThePlan() {
    Definition planned = new Marshaller().marshal(Sources.local("src", LocalOptions.NONE, "src")
        .withPlatform(Platform.LINUX_AMD64).run(Exec.of("true")).root());
    Definition stamped = planned.withLocalSession("session-1");
    int exec = planned.size() - 1;
    String engine = EngineDigests.of(stamped.toPb().getDefList(), stamped.digests()).entrySet().stream()
        .filter(e -> e.getValue().equals(stamped.digests().get(exec))).map(Map.Entry::getKey).findFirst()
        .orElseThrow(() -> new AssertionError("an exec with a platform gets another digest on the engine"));
    assertThat(stamped.plannedDigest(engine)).isEqualTo(planned.digests().get(exec));
  }
}
