package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.model.Container;
import dev.kiln.model.FunctionCall;
import dev.kiln.model.Pipeline;
import dev.kiln.model.Secret;
import dev.kiln.model.SecretSource;
import dev.kiln.model.Task;
import dev.kiln.planner.Plan;
import dev.kiln.planner.PlannerBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@code kiln plan} shows a task that calls a function: the function, its arguments, its inputs. */
class PlanFormatCallTest {
  private static final String SECRET_ENV = "KILN_TEST_NEVER_SHOWN";

  static Plan plan() {
    Container made = Container.from("busybox:latest").withExec("sh", "-c", "echo 3 > /out.txt");
    FunctionCall call = FunctionCall.of("testfn.count", Map.of(
        "file", made.file("/out.txt"),
        "label", "v@{result:make/n}",
        "token", new Secret("token", new SecretSource.Environment(SECRET_ENV))));
    Pipeline p = Pipeline.of(Task.run("make", made).withResults(List.of("n")),
        Task.calling("count", call, "count", "label").withDependsOn("make"));
    return PlannerBuilder.preconfigured().build().plan(p, List.of());
  }

  @Test
  void textShowsTheCallItsArgumentsAndInputs() {
    String text = PlanFormat.TEXT.render(plan());
    assertThat(text).contains("task count (after make)\n  call testfn.count\n"
        + "    file = file from input file\n    label = \"v@{result:make/n}\"\n    token = secret token\n"
        + "  input file <- out.txt  result sha256:");
    assertThat(text).contains("\"input file\"", "secrets: token", "results: count, label")
        .doesNotContain(SECRET_ENV);
  }

  @Test
  void jsonHasTheCallWithSecretsByName() throws Exception {
    JsonNode task = new ObjectMapper().readTree(PlanFormat.JSON.render(plan())).get("tasks").get(1);
    assertThat(task.get("call").get("function").asText()).isEqualTo("testfn.count");
    assertThat(task.get("call").get("args").toString())
        .isEqualTo("{\"file\":{\"file\":\"input file\"},\"label\":\"v@{result:make/n}\",\"token\":{\"secret\":\"token\"}}");
    assertThat(task.get("results").toString()).isEqualTo("[\"count\",\"label\"]");
    assertThat(task.get("targets").get(0).get("kind").asText()).isEqualTo("input");
    assertThat(task.get("targets").get(0).get("path").asText()).isEqualTo("file");
  }

  @Test
  void dotLabelsTheTaskWithItsFunctionAndTheInputEdge() {
    assertThat(PlanFormat.DOT.render(plan())).contains("label=\"task count\\ncall testfn.count\"")
        .contains("[label=\"input file\"]");
  }
}
