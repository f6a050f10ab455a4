package dev.kiln.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.planner.llb.Exec;
import dev.kiln.planner.llb.ImageRef;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.Platform;
import dev.kiln.planner.llb.Sources;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EngineFeaturesTest {
  private static dev.kiln.planner.llb.Definition secretEnv() {
    var s = Sources.image(ImageRef.parse("busybox"), Platform.LINUX_AMD64)
        .run(Exec.of("sh", "-c", "deploy").withSecretEnv(new Exec.SecretEnv("token", "TOKEN", false)))
        .root();
    return new Marshaller().marshal(s);
  }

  @Test
  void failsNamingTheFeatureTheEngineAndTheVersion() {
    assertThatThrownBy(() -> EngineFeatures.check("deploy", secretEnv(), EngineCapabilities.dockerV20_10()))
        .isInstanceOf(PlanException.class)
        .hasMessage("task 'deploy' uses a secret as an environment variable, which Docker 20.10"
            + " (BuildKit v0.8) does not support (LLB capability exec.secretenv, added in BuildKit v0.10)")
        .satisfies(e -> assertThat(((PlanException) e).hint().orElseThrow())
            .contains("BuildKit v0.10 or newer (Docker 23.0 or newer)"));
  }

  @Test
  void passesOnAnEngineThatHasIt() {
    EngineFeatures.check("deploy", secretEnv(), EngineCapabilities.latest());
    var probed = new EngineCapabilities("Docker", "26.1.4", "v0.13.2",
        Set.of("exec.secretenv", "exec.meta.base", "exec.mount.bind", "source.image", "platform"));
    EngineFeatures.check("deploy", secretEnv(), probed);
  }
}
