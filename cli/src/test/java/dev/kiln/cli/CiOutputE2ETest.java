package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.testsupport.JUnitSchema;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CI-native output on the real engine, with the CI variables set by the test: GitHub Actions lines
 * as they are printed (before the task ends), in a group, a failed task annotated, the step summary
 * written; GitLab sections; a pipeline error annotated at its line; and what a step prints to take
 * over a terminal or a runner (escape sequences, workflow commands) neutralised in every mode.
 */
@Tag("e2e")
class CiOutputE2ETest {
  @TempDir Path project;
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void engineIsThere() {
    DockerEngine.require();
  }

  /** Lines as they are written, each with when it was completed. */
  static final class TimedLines extends Writer {
    record Line(long nanos, String text) {}

    final List<Line> lines = new ArrayList<>();
    private final StringBuilder current = new StringBuilder();

    @Override
    public synchronized void write(char[] buf, int off, int len) {
      for (int i = off; i < off + len; i++) {
        if (buf[i] == '\n') {
          lines.add(new Line(System.nanoTime(), current.toString()));
          current.setLength(0);
        } else {
          current.append(buf[i]);
        }
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    synchronized String text() {
      StringBuilder sb = new StringBuilder();
      lines.forEach(l -> sb.append(l.text()).append('\n'));
      return sb.append(current).toString();
    }

    synchronized Line first(String containing) {
      return lines.stream().filter(l -> l.text().contains(containing)).findFirst()
          .orElseThrow(() -> new AssertionError("no line with " + containing + " in:\n" + text()));
    }
  }

  private int kiln(Writer out, Map<String, String> environment, String... args) {
    err.getBuffer().setLength(0);
    return Kiln.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), args, DockerEngine.with(environment))
        .execute(args);
  }

  private Path pipeline(String tasks) throws Exception {
    return Files.writeString(project.resolve("pipeline.pkl"), """
        amends ".kiln/schema/Pipeline.pkl"
        local base = container.from("busybox:latest")
        tasks {
        %s
        }
        """.formatted(tasks.replace("NONCE", UUID.randomUUID().toString())));
  }

  @Test
  void githubActionsShowsEachLineWhileTheTaskRunsAndWritesTheStepSummary() throws Exception {
    Path file = pipeline("""
          ["slow"] { run = base.withExec(List("sh", "-c", "echo NONCE; echo first-line; sleep 4; echo second-line")) }
          ["broken"] {
            dependsOn { "slow" }
            run = base.withExec(List("sh", "-c", "echo NONCE; echo why-it-broke; exit 3"))
          }
        """);
    Path summary = project.resolve("summary.md");
    Files.writeString(summary, "earlier step\n");
    TimedLines out = new TimedLines();
    int code = kiln(out, Map.of("GITHUB_ACTIONS", "true", "GITHUB_STEP_SUMMARY", summary.toString()),
        "run", "-f", file.toString(), "broken");
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.TASK_FAILED);
    long first = out.first("first-line").nanos();
    long done = out.first("[slow] DONE").nanos();
    assertThat((done - first) / 1_000_000).as("ms between the first line and the task's end").isGreaterThan(3000);
    String text = out.text();
    assertThat(text).startsWith("::group::slow\n[slow] started\n").contains("[slow] #")
        .containsPattern("\\[slow\\] #\\d+ first-line\n")
        .contains("::endgroup::\n::group::broken\n")
        .contains("::error title=Task broken failed::command failed with exit code 3")
        .containsPattern("%0Awhy-it-broke");
    assertThat(text.indexOf("[slow] DONE")).isLessThan(text.indexOf("::endgroup::"));
    assertThat(Files.readString(summary)).startsWith("earlier step\n### Kiln: kiln run in ")
        .contains("| slow | done | ").contains("| broken | **failed** | ")
        .contains("<details><summary>Task broken failed: command failed with exit code 3")
        .contains("why-it-broke");
  }

  @Test
  void gitlabFoldsEachTaskIntoASection() throws Exception {
    Path file = pipeline("""
          ["one"] { run = base.withExec(List("sh", "-c", "echo NONCE; echo in-one")) }
        """);
    TimedLines out = new TimedLines();
    assertThat(kiln(out, Map.of("GITLAB_CI", "true"), "run", "-f", file.toString())).as(err.toString()).isZero();
    assertThat(out.text()).containsPattern("^\033\\[0Ksection_start:\\d+:kiln_one\r\033\\[0Ktask one\n")
        .containsPattern("\\[one\\] #\\d+ in-one\n")
        .containsPattern("\\[one\\] DONE [0-9.]+s\n\033\\[0Ksection_end:\\d+:kiln_one\r\033\\[0K\n$");
  }

  @Test
  void anInvalidPipelineIsAnnotatedAtItsLine() throws Exception {
    Path file = pipeline("""
          ["one"] { run = base.withExec(List("true")) dependsOn { "missing" } }
        """);
    TimedLines out = new TimedLines();
    Map<String, String> github = Map.of("GITHUB_ACTIONS", "true", "GITHUB_WORKSPACE", project.toString());
    for (String command : List.of("run", "validate")) {
      assertThat(kiln(out, github, command, "-f", file.toString())).as(command).isEqualTo(ExitCodes.INVALID);
      assertThat(err.toString()).as(command)
          .containsPattern("\n::error file=pipeline.pkl,line=4,col=\\d+,title=Kiln%3A invalid pipeline::.*missing");
    }
    assertThat(kiln(out, Map.of(), "validate", "-f", file.toString())).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).doesNotContain("::error");
  }

  /** What a hostile or careless step prints: terminal control and GitHub workflow commands. */
  private static final String HOSTILE = "printf '"
      + "\\033]0;pwned-title\\007\\033[2J\\033[H\\033[31mred-text\\033[0m\\n"
      + "::stop-commands::tok123\\n  ::error file=x.go,line=1::forged\\n::add-mask::hidden-value\\n"
      + "text ##[set-output name=a]b\\nprogress 10%%\\rprogress 99%%\\n\\033]8;;http://evil.example\\033\\\\link-text"
      + "\\033]8;;\\033\\\\\\n'";

  /** The text of every string in the JSON events, decoded. */
  private static String jsonTexts(String lines) throws Exception {
    StringBuilder texts = new StringBuilder();
    ObjectMapper json = new ObjectMapper();
    for (String line : lines.split("\n")) {
      json.readTree(line).forEach(v -> texts.append(v.isTextual() ? v.asText() : v.toString()).append('\n'));
    }
    return texts.toString();
  }

  @Test
  void escapeSequencesAndWorkflowCommandsAStepPrintsAreNeutralisedInEveryMode() throws Exception {
    Path file = pipeline("""
          ["hostile"] { run = base.withExec(List("sh", "-c", "echo NONCE; %s; exit 1")) }
        """.formatted(HOSTILE.replace("\\", "\\\\").replace("\"", "\\\"")));
    Path junit = project.resolve("build/junit.xml");
    for (Map<String, String> env : List.<Map<String, String>>of(Map.of("GITHUB_ACTIONS", "true"), Map.of("GITLAB_CI", "true"), Map.of())) {
      for (String mode : List.of("auto", "plain", "json", "tty")) {
        TimedLines out = new TimedLines();
        assertThat(kiln(out, env, "run", "-f", file.toString(), "--progress", mode, "--junit", junit.toString()))
            .as(err.toString()).isEqualTo(ExitCodes.TASK_FAILED);
        String report = Files.readString(junit);
        JUnitSchema.validate(report);
        String shown = (mode.equals("json") ? jsonTexts(out.text()) : out.text()) + err + report;
        String what = env + " " + mode;
        assertThat(shown).as(what).contains("red-text").contains("progress 99%")
            .doesNotContain("\033]").doesNotContain("\033[2J").doesNotContain("\033[H")
            .doesNotContain("\007").doesNotContain("##[set-output");
        String ownSequences = mode.equals("tty") ? "\033\\[(0K|2K|\\d+F)" : "\033\\[0K";
        assertThat(shown.replaceAll(ownSequences, "")).as(what).doesNotContainPattern("\033\\[[0-9;]*[^0-9;m]");
        for (String line : shown.split("[\n\r]")) {
          String start = line.replaceAll("\033\\[[0-9;]*m", "").strip();
          if (start.startsWith("::")) {
            assertThat(start).as(what).matches("::(group::|endgroup::|error title=Task hostile failed::).*");
          }
        }
        assertThat(shown).as(what).doesNotContain("%0A::").doesNotContain("%0A  ::");
      }
    }
  }
}
