package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.model.Container;
import dev.kiln.model.Pipeline;
import dev.kiln.model.Task;
import dev.kiln.planner.Plan;
import dev.kiln.planner.PlannerBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code .kiln/last-run.json}: a state file that is corrupt or cannot be written never fails a command. */
class RunHistoryTest {
  @TempDir Path project;
  private final List<String> warnings = new ArrayList<>();
  private final StringWriter out = new StringWriter();

  private static Plan plan() {
    return PlannerBuilder.preconfigured().build()
        .plan(Pipeline.of(Task.run("hello", Container.from("busybox:latest").withExec("true"))), List.of());
  }

  private void explain() throws Exception {
    RunHistory.explain(project, plan(), new PrintWriter(out, true), warnings::add);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "{", "{\"targets\": {\"hello run  \": \"", "garbage\u0000\u00ff", "[]", "null", "42",
      "{\"targets\": [], \"sources\": {}}", "{\"targets\": {\"a\": 1}, \"sources\": {}}",
      "{\"targets\": {}, \"sources\": {\"x\": \"y\"}}", "{\"sources\": {}}",
  })
  void aCorruptFileIsIgnoredWithAWarning(String content) throws Exception {
    Files.createDirectories(project.resolve(".kiln"));
    Files.writeString(RunHistory.file(project), content);
    explain();
    assertThat(warnings).singleElement().asString().startsWith("ignoring " + RunHistory.file(project) + ": ");
    assertThat(out.toString()).contains("explain: no previous run recorded");
  }

  @Test
  void aDefinitionThatDoesNotDecodeCountsAsNotRecorded() throws Exception {
    RunHistory.record(project, plan(), warnings::add);
    assertThat(warnings).isEmpty();
    String json = Files.readString(RunHistory.file(project));
    Files.writeString(RunHistory.file(project), json.replaceFirst("(\"targets\":\\{\"[^\"]+\":\")[^\"]+\"", "$1%%%not base64\""));
    explain();
    assertThat(warnings).singleElement().asString().startsWith("ignoring a recorded definition that does not decode");
    assertThat(out.toString()).doesNotContain("unchanged since the last run");
  }

  @Test
  void aRecordedRunIsExplainedAsUnchanged() throws Exception {
    RunHistory.record(project, plan(), warnings::add);
    explain();
    assertThat(warnings).isEmpty();
    assertThat(out.toString()).contains("explain: hello (run): unchanged since the last run");
  }

  @Test
  void aKilnDirectoryThatCannotBeWrittenOnlyWarns() throws Exception {
    Files.writeString(project.resolve(".kiln"), "a file where the directory should be");
    RunHistory.record(project, plan(), warnings::add);
    assertThat(warnings).singleElement().asString().startsWith("could not record this run in ");

    warnings.clear();
    Path other = Files.createDirectories(project.resolve("other"));
    Files.createDirectories(RunHistory.file(other).resolve("not-empty")); // last-run.json is a directory
    RunHistory.record(other, plan(), warnings::add);
    assertThat(warnings).singleElement().asString().contains("could not record this run");
    try (var files = Files.list(RunHistory.file(other).getParent())) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("last-run.json"); // no temp file left
    }
  }
}
