package dev.kiln.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.model.Container;
import dev.kiln.model.Directory;
import dev.kiln.model.FunctionCall;
import dev.kiln.model.Pipeline;
import dev.kiln.model.Secret;
import dev.kiln.model.SecretSource;
import dev.kiln.model.Task;
import dev.kiln.planner.llb.Definition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tasks that call run-time functions: their inputs become INPUT targets, their call a {@link PlannedCall}. */
class CallPlanningTest {
  private final Planner planner = PlannerBuilder.preconfigured().setImageConfigs(Fixtures.images()).build();
  private final Container made = Container.from("busybox:latest").withExec("sh", "-c", "echo hi > /out/n.txt");

  private Pipeline pipeline() {
    Task make = Task.run("make", made).withResults(List.of("n"));
    FunctionCall call = FunctionCall.of("testfn.count", Map.of(
        "file", made.file("/out/n.txt"),
        "dir", Directory.host("src"),
        "label", "n=@{result:make/n}",
        "tags", List.of("a", 2L),
        "token", new Secret("token", new SecretSource.Environment("TOKEN"))));
    return Pipeline.of(make, Task.calling("count", call, "count", "label").withDependsOn("make"));
  }

  @Test
  void fileAndDirectoryArgumentsAreInputTargetsCopiedOutAlone() {
    Plan plan = planner.plan(pipeline(), List.of("count"));
    PlannedTask count = plan.task("count").orElseThrow();

    assertThat(count.targets()).extracting(PlannedTarget::kind).containsOnly(PlannedTarget.Kind.INPUT);
    assertThat(count.targets()).extracting(PlannedTarget::path).containsExactly("dir", "file");
    assertThat(count.targets()).extracting(PlannedTarget::destination).containsExactly(".", "n.txt");
    // the file comes from the run of "make": the same vertices, so the engine solves them once
    Definition file = count.targets().get(1).definition();
    Definition makeRun = plan.task("make").orElseThrow().targets().get(0).definition();
    assertThat(file.digests()).contains(makeRun.resultDigest());
    assertThat(PlannedOp.of(file)).last().satisfies(op -> assertThat(op.name()).isEqualTo("input file"));
  }

  @Test
  void theCallKeepsPlainValuesAndNamesSecretsOnly() {
    PlannedTask count = planner.plan(pipeline(), List.of()).task("count").orElseThrow();

    assertThat(count.call().function()).isEqualTo("testfn.count");
    assertThat(count.call().args()).containsExactly(
        Map.entry("dir", new PlannedCall.Input("dir", true)),
        Map.entry("file", new PlannedCall.Input("file", false)),
        Map.entry("label", "n=@{result:make/n}"),
        Map.entry("tags", List.of("a", 2L)),
        Map.entry("token", new PlannedCall.SecretArg("token")));
    assertThat(count.secrets()).containsExactly("token");
    assertThat(count.results()).containsExactly("count", "label");
    assertThat(count.dependsOn()).containsExactly("make");
    assertThat(PlannedCall.describe(count.call().args().get("tags"))).isEqualTo("[\"a\", 2]");
    assertThat(planner.plan(pipeline(), List.of()).task("make").orElseThrow().call()).isNull();
  }

  @Test
  void planningACallIsDeterministic() {
    PlannedTask a = planner.plan(pipeline(), List.of()).task("count").orElseThrow();
    PlannedTask b = planner.plan(pipeline(), List.of()).task("count").orElseThrow();
    for (int i = 0; i < a.targets().size(); i++) {
      assertThat(a.targets().get(i).definition().toByteArray()).isEqualTo(b.targets().get(i).definition().toByteArray());
    }
    assertThat(a.call()).isEqualTo(b.call());
  }

  @Test
  void hostDirectoriesOfCallArgumentsGetTheirIgnoreFiles() {
    assertThat(HostDirectories.of(pipeline())).contains("src");
  }
}
