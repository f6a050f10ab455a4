package dev.kiln.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.executor.proto.control.Vertex;
import dev.kiln.planner.EngineCapabilities;
import dev.kiln.planner.Plan;
import dev.kiln.planner.PlannedTask;
import dev.kiln.testsupport.JUnitSchema;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class ReportersTest {
  @TempDir Path dir;

  static final SolveException FAILURE = SolveException.builder(
      "command failed with exit code 2: make <all> & s3cret").setStep("build").setExitCode(2)
      .setLogTail(List.of("line one", "token=s3cret", "]]> tricky")).build();
  static final RunReport REPORT = new RunReport(List.of(
      new TaskOutcome("build", TaskOutcome.Status.FAILED, Duration.ofMillis(1500), false, FAILURE),
      new TaskOutcome("lint", TaskOutcome.Status.SUCCEEDED, Duration.ofMillis(250), true, null),
      new TaskOutcome("deploy", TaskOutcome.Status.SKIPPED, Duration.ZERO, false, null)), false);
  static final SecretMasker MASK = SecretMasker.of(List.of("s3cret".getBytes()));

  @Test
  void junitReportParsesBackWithFailuresSkipsAndMaskedText() throws Exception {
    Path file = dir.resolve("reports/kiln.xml");
    JUnitReport.write(REPORT, "pipeline", Instant.now().minusSeconds(2), file, MASK);
    String xml = Files.readString(file);
    JUnitSchema.validate(xml);
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    Element suite = (Element) doc.getElementsByTagName("testsuite").item(0);
    assertThat(doc.getDocumentElement().getTagName()).isEqualTo("testsuites");
    assertThat(suite.getAttribute("tests")).isEqualTo("3");
    assertThat(suite.getAttribute("failures")).isEqualTo("1");
    assertThat(suite.getAttribute("errors")).isEqualTo("0");
    assertThat(suite.getAttribute("skipped")).isEqualTo("1");
    assertThat(Double.parseDouble(suite.getAttribute("time"))).isBetween(2.0, 60.0);
    assertThat(suite.getAttribute("hostname")).isNotBlank();
    assertThat(suite.getAttribute("timestamp")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d");
    Element failure = (Element) doc.getElementsByTagName("failure").item(0);
    assertThat(failure.getAttribute("message")).isEqualTo("command failed with exit code 2: make <all> & ***");
    assertThat(failure.getAttribute("type")).isEqualTo("exit code 2");
    assertThat(failure.getTextContent()).contains("token=***").contains("]]> tricky").doesNotContain("s3cret");
    assertThat(Files.list(file.getParent())).hasSize(1); // no temp file left
  }

  @Test
  void junitReportOfEscapesAndEngineErrorsIsValid() throws Exception {
    SolveException engine = SolveException.builder("exporting to client: \033]0;t\007No space left on device")
        .setLogTail(List.of("\033[31mred\033[0m and \033[2J", "nul\u0000 bell\u0007 \ud800 lone", "\u009b2J c1"))
        .build();
    RunReport report = new RunReport(List.of(
        new TaskOutcome("export\u001b", TaskOutcome.Status.FAILED, Duration.ofMillis(10), false, engine),
        new TaskOutcome("stopped", TaskOutcome.Status.CANCELLED, Duration.ZERO, false, null)), true);
    String xml = JUnitReport.render(report, "suite <&>", Instant.EPOCH, Duration.ofMillis(1234), "ci-host",
        OutputText.of(MASK));
    JUnitSchema.validate(xml);
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    Element suite = (Element) doc.getElementsByTagName("testsuite").item(0);
    assertThat(suite.getAttribute("errors")).isEqualTo("1");
    assertThat(suite.getAttribute("failures")).isEqualTo("0");
    assertThat(suite.getAttribute("timestamp")).isEqualTo("1970-01-01T00:00:00");
    assertThat(suite.getAttribute("hostname")).isEqualTo("ci-host");
    assertThat(suite.getAttribute("time")).isEqualTo("1.234");
    Element error = (Element) doc.getElementsByTagName("error").item(0);
    assertThat(error.getAttribute("message")).isEqualTo("exporting to client: No space left on device");
    assertThat(error.getTextContent()).isEqualTo("red and \nnul bell \ufffd lone\n c1");
    assertThat(xml).doesNotContain("\u001b").doesNotContain("[31m");
  }

  @Test
  void githubCommandsAreEscaped() {
    assertThat(CiSystem.escapeData("50% done\r\nnext")).isEqualTo("50%25 done%0D%0Anext");
    assertThat(CiSystem.escapeProperty("a:b,c")).isEqualTo("a%3Ab%2Cc");
  }

  @Test
  void githubGroupsALoneTaskLiveAndAnnotatesItsFailure() {
    StringWriter out = new StringWriter();
    var gh = new MaskingListener(MASK, new CiProgress(CiSystem.GITHUB_ACTIONS, new PrintWriter(out)));
    gh.taskStarted("build");
    assertThat(out.toString()).isEqualTo("::group::build\n[build] started\n"); // live, before the task ends
    gh.functionLog("build", "::error::from a step s3cret");
    gh.taskFinished(REPORT.tasks().get(0));
    assertThat(out.toString()).isEqualTo("::group::build\n[build] started\n[build] :\u200b:error::from a step ***\n"
        + "[build] FAILED\n::endgroup::\n"
        + "::error title=Task build failed::command failed with exit code 2: make <all> & ***%0Aline one%0Atoken=***"
        + "%0A]]> tricky\n");
  }

  @Test
  void groupsEndWhenAnotherTaskInterleaves() {
    StringWriter out = new StringWriter();
    var gh = new CiProgress(CiSystem.GITHUB_ACTIONS, new PrintWriter(out));
    gh.taskStarted("a");
    gh.functionLog("a", "one");
    gh.taskStarted("b");
    gh.functionLog("a", "two");
    gh.taskFinished(new TaskOutcome("a", TaskOutcome.Status.SUCCEEDED, Duration.ofSeconds(1), false, null));
    gh.taskFinished(new TaskOutcome("b", TaskOutcome.Status.SUCCEEDED, Duration.ofSeconds(1), false, null));
    gh.taskStarted("c");
    gh.taskFinished(new TaskOutcome("c", TaskOutcome.Status.SUCCEEDED, Duration.ofSeconds(1), true, null));
    assertThat(out.toString()).isEqualTo("""
        ::group::a
        [a] started
        [a] one
        ::endgroup::
        [b] started
        [a] two
        [a] DONE 1.0s
        [b] DONE 1.0s
        ::group::c
        [c] started
        [c] CACHED 1.0s
        ::endgroup::
        """);
  }

  @Test
  void gitlabSectionsAreCollapsibleAndNamedSafely() {
    StringWriter out = new StringWriter();
    var clock = Clock.fixed(Instant.ofEpochSecond(1700000000), ZoneOffset.UTC);
    var gl = new CiProgress(CiSystem.GITLAB_CI, new PrintWriter(out), clock);
    gl.taskStarted("Build:Linux");
    gl.taskFinished(new TaskOutcome("Build:Linux", TaskOutcome.Status.SUCCEEDED, Duration.ofSeconds(2), false, null));
    assertThat(out.toString()).isEqualTo(
        "\033[0Ksection_start:1700000000:kiln_build_linux\r\033[0Ktask Build:Linux\n"
        + "[Build:Linux] started\n[Build:Linux] DONE 2.0s\n"
        + "\033[0Ksection_end:1700000000:kiln_build_linux\r\033[0K\n");
    assertThat(CiSystem.of(Map.of("GITLAB_CI", "true"))).contains(CiSystem.GITLAB_CI);
    assertThat(CiSystem.of(Map.of("GITHUB_ACTIONS", "true"))).contains(CiSystem.GITHUB_ACTIONS);
    assertThat(CiSystem.of(Map.of("CI", "true"))).isEmpty();
  }

  @Test
  void stepSummaryIsMarkdownWithTasksResultsFailuresAndTheExplanation() {
    var summary = new StepSummary("kiln run in app", "build: step 2 runs again: src/a.go changed\n");
    var masked = new MaskingListener(MASK, summary);
    masked.status("lint", null, StatusResponse.newBuilder()
        .addVertexes(Vertex.newBuilder().setDigest("sha256:1").setCached(true))
        .addVertexes(Vertex.newBuilder().setDigest("sha256:2")
            .setCompleted(Timestamp.getDefaultInstance())).build());
    masked.runFinished(new RunReport(List.of(REPORT.tasks().get(0),
        new TaskOutcome("lint", TaskOutcome.Status.SUCCEEDED, Duration.ofMillis(250), false, null,
            Map.of("digest", "sha256:abc|`x`")), REPORT.tasks().get(2)), false));
    assertThat(summary.markdown()).isEqualTo("""
        ### Kiln: kiln run in app FAILED

        | Task | Result | Time | Steps |
        | --- | --- | ---: | ---: |
        | build | **failed** | 1.5 s |  |
        | lint | done | 0.3 s | 2 (1 cached) |
        | deploy | skipped |  |  |

        #### Results

        - lint: `digest` = `` sha256:abc|`x` ``

        <details><summary>Task build failed: command failed with exit code 2: make &lt;all&gt; &amp; ***</summary>

        ```
        line one
        token=***
        ]]> tricky
        ```

        </details>

        <details><summary>Why steps ran again (--explain)</summary>

        ```
        build: step 2 runs again: src/a.go changed
        ```

        </details>

        """);
  }

  @Test
  void jsonProgressFramesTheRunWithItsVersionAndSaysWhyATaskWasSkipped() throws Exception {
    StringWriter out = new StringWriter();
    var json = new MaskingListener(MASK, new JsonProgress(new PrintWriter(out)));
    var plan = new Plan(List.of(
        new PlannedTask("build", "", List.of(), true, List.of(), new TreeSet<>(),
            new TreeSet<>()),
        new PlannedTask("deploy", "", List.of("build"), true, List.of(), new TreeSet<>(),
            new TreeSet<>())), EngineCapabilities.dockerV20_10(), List.of());
    json.runStarted(plan);
    json.exported("build", "build/s3cret.txt");
    var skipped = new TaskOutcome("deploy", TaskOutcome.Status.SKIPPED, Duration.ZERO, false, null)
        .because("needs build (failed)");
    json.taskFinished(skipped);
    json.runFinished(new RunReport(List.of(REPORT.tasks().get(0), skipped), false));
    ObjectMapper mapper = new ObjectMapper();
    var events = out.toString().lines().map(l -> {
      try {
        return mapper.readTree(l);
      } catch (Exception e) {
        throw new AssertionError(l, e);
      }
    }).toList();
    assertThat(events).extracting(e -> e.get("event").asText())
        .containsExactly("run-started", "export", "task-finished", "run-finished");
    assertThat(events.get(0).get("version").asInt()).isEqualTo(JsonProgress.VERSION);
    assertThat(events.get(0).get("tasks").toString())
        .isEqualTo("[{\"name\":\"build\",\"requested\":true,\"dependsOn\":[]},"
            + "{\"name\":\"deploy\",\"requested\":true,\"dependsOn\":[\"build\"]}]");
    assertThat(events.get(1).get("destination").asText()).isEqualTo("build/***.txt");
    assertThat(events.get(2).get("reason").asText()).isEqualTo("needs build (failed)");
    assertThat(events.get(3).get("status").asText()).isEqualTo("failed");
    assertThat(events.get(3).get("tasks").toString())
        .isEqualTo("{\"succeeded\":0,\"failed\":1,\"cancelled\":0,\"skipped\":1}");
    assertThat(events.get(3).has("task")).isFalse();
  }

  @Test
  void jsonProgressIsOneObjectPerLine() throws Exception {
    StringWriter out = new StringWriter();
    var json = new MaskingListener(MASK, new JsonProgress(new PrintWriter(out)));
    json.taskStarted("build");
    json.taskFinished(REPORT.tasks().get(0));
    String[] lines = out.toString().split("\n");
    assertThat(lines).hasSize(2);
    var last = new ObjectMapper().readTree(lines[1]);
    assertThat(last.get("event").asText()).isEqualTo("task-finished");
    assertThat(last.get("status").asText()).isEqualTo("failed");
    assertThat(last.get("exitCode").asInt()).isEqualTo(2);
    assertThat(out.toString()).doesNotContain("s3cret");
  }

  @Test
  void everyJsonEventAndFieldIsInTheDocs() throws Exception {
    StringWriter out = new StringWriter();
    var json = new JsonProgress(new PrintWriter(out));
    json.runStarted(new Plan(List.of(new PlannedTask("build", "", List.of(), true, List.of(), new TreeSet<>(),
        new TreeSet<>())), EngineCapabilities.dockerV20_10(), List.of()));
    json.taskStarted("build");
    json.engine("build", "default");
    json.functionLog("build", "hello");
    json.warning("build", "careful");
    json.serviceReady("build", "db", "172.17.0.5", Duration.ofMillis(800));
    json.published("build", new PublishedImage("127.0.0.1:5000/app:1.0", "sha256:" + "a".repeat(64)));
    json.exported("build", "build/app");
    json.taskFinished(REPORT.tasks().get(0));
    json.runFinished(REPORT);
    String docs = Files.readString(Path.of("../docs/progress-json.md"));
    for (String line : out.toString().split("\n")) {
      var e = new ObjectMapper().readTree(line);
      assertThat(docs).as("the docs' section for %s", line).contains("## `" + e.get("event").asText() + "`");
      e.fieldNames().forEachRemaining(f -> assertThat(docs).as("field %s of %s", f, line).contains("`" + f + "`"));
    }
  }
}
