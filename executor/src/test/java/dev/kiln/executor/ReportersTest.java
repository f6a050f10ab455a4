package dev.kiln.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    JUnitReport.write(REPORT, "pipeline", file, MASK);
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    Element suite = doc.getDocumentElement();
    assertThat(suite.getAttribute("tests")).isEqualTo("3");
    assertThat(suite.getAttribute("failures")).isEqualTo("1");
    assertThat(suite.getAttribute("skipped")).isEqualTo("1");
    Element failure = (Element) doc.getElementsByTagName("failure").item(0);
    assertThat(failure.getAttribute("message")).isEqualTo("command failed with exit code 2: make <all> & ***");
    assertThat(failure.getTextContent()).contains("token=***").contains("]]> tricky").doesNotContain("s3cret");
    assertThat(Files.list(file.getParent())).hasSize(1); // no temp file left
  }

  @Test
  void githubCommandsAreEscaped() {
    assertThat(GithubActionsProgress.escapeData("50% done\r\nnext")).isEqualTo("50%25 done%0D%0Anext");
    assertThat(GithubActionsProgress.escapeProperty("a:b,c")).isEqualTo("a%3Ab%2Cc");
  }

  @Test
  void githubGroupsEachTaskAndAnnotatesFailures() {
    StringWriter out = new StringWriter();
    var gh = new MaskingListener(MASK, new GithubActionsProgress(new PrintWriter(out)));
    gh.taskStarted("build");
    gh.taskFinished(REPORT.tasks().get(0));
    assertThat(out.toString()).startsWith("::group::build (FAILED 1.5s)\n")
        .contains("[build] started\n").contains("::endgroup::\n")
        .contains("::error title=Task build failed::command failed with exit code 2: make <all> & ***%0Aline one")
        .doesNotContain("s3cret");
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
}
