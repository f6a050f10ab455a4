package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.planner.EngineCapabilities;
import dev.kiln.planner.ImageConfig;
import dev.kiln.planner.Plan;
import dev.kiln.planner.PlannedTarget;
import dev.kiln.planner.PlannedTask;
import dev.kiln.planner.llb.Exec;
import dev.kiln.planner.llb.ImageRef;
import dev.kiln.planner.llb.LlbState;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.Mounts;
import dev.kiln.planner.llb.Platform;
import dev.kiln.planner.llb.Sources;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PlanFormatTest {
  static Plan plan() {
    var m = new Marshaller();
    LlbState base = Sources.image(ImageRef.parse("busybox"), Platform.LINUX_AMD64)
        .run(Exec.of("mkdir", "/work").withName("prepare")).root();
    LlbState test = base.run(Exec.of("sh", "-c", "make test")
        .withMount(Mounts.cache("/root/.cache", "build-cache"))
        .withMount(Mounts.secret("/run/secrets/token", "api-token"))).root();
    LlbState pkg = base.run(Exec.of("sh", "-c", "make dist")).root();
    var t1 = new PlannedTask("test", "Runs the tests", List.of(), true,
        List.of(new PlannedTarget(PlannedTarget.Kind.RUN, "", "", m.marshal(test), ImageConfig.EMPTY)),
        new TreeSet<>(List.of("build-cache")), new TreeSet<>(List.of("api-token")));
    var t2 = new PlannedTask("package", "", List.of("test"), true,
        List.of(new PlannedTarget(PlannedTarget.Kind.EXPORT, "/dist", "build/dist", m.marshal(pkg), ImageConfig.EMPTY)),
        new TreeSet<>(), new TreeSet<>());
    return new Plan(List.of(t1, t2), EngineCapabilities.dockerV20_10(), List.of("a note"));
  }

  @Test
  void textShowsTasksOpsSharedOpsCachesAndSecretNames() {
    String text = PlanFormat.TEXT.render(plan());
    assertThat(text).startsWith("plan for Docker 20.10 (BuildKit v0.8): 2 tasks, 4 ops (2 shared between tasks)\n");
    assertThat(text).contains("note: a note", "task test\n", "task package (after test)",
        "export /dist -> build/dist", "\"prepare\" mkdir /work  (shared)",
        "[cache build-cache at /root/.cache]", "[secret api-token at /run/secrets/token]",
        "caches: build-cache", "secrets: api-token");
  }

  @Test
  void jsonHasFullDigestsAndInputs() throws Exception {
    Plan plan = plan();
    JsonNode json = new ObjectMapper().readTree(PlanFormat.JSON.render(plan));
    assertThat(json.get("engine").get("buildkitVersion").asText()).isEqualTo("v0.8");
    JsonNode target = json.get("tasks").get(0).get("targets").get(0);
    assertThat(target.get("result").asText())
        .isEqualTo(plan.tasks().get(0).targets().get(0).definition().resultDigest())
        .matches("sha256:[0-9a-f]{64}");
    assertThat(target.get("ops")).hasSize(3);
    assertThat(target.get("ops").get(1).get("inputs").get(0).asText())
        .isEqualTo(target.get("ops").get(0).get("digest").asText());
    assertThat(json.get("sharedDigests")).hasSize(2);
    assertThat(json.get("tasks").get(1).get("dependsOn").get(0).asText()).isEqualTo("test");
  }

  @Test
  void dotDrawsEachOpOnceAndTaskDependencies() {
    String dot = PlanFormat.DOT.render(plan());
    assertThat(dot).startsWith("digraph plan {").endsWith("}\n");
    assertThat(dot).contains("\"task:test\" -> \"task:package\" [style=dashed]");
    String prepare = plan().tasks().get(0).targets().get(0).definition().digests().get(1);
    assertThat(dot.split("\"" + prepare + "\" \\[", -1)).hasSize(2); // declared once
  }
}
