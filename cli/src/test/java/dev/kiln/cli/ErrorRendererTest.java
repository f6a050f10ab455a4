package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.executor.CancelledException;
import dev.kiln.executor.EngineException;
import dev.kiln.executor.EngineUnavailableException;
import dev.kiln.executor.SolveException;
import dev.kiln.model.KilnBugException;
import dev.kiln.model.PipelineException;
import dev.kiln.model.SourceLocation;
import dev.kiln.planner.PlanException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Errors become text in one place: what a person reads for each kind, and the exit code it gets. */
class ErrorRendererTest {
  @TempDir Path dir;

  @Test
  void aPipelineErrorShowsItsPlaceTheLineWithACaretAndTheHint() throws IOException {
    Path file = Files.writeString(dir.resolve("pipeline.pkl"), "tasks {\n  [\"a\"] { description = 42 }\n}\n");
    var e = new PipelineException("Expected value of type `String`, but got type `Int`.", new SourceLocation(file, 2, 25),
        "write the description as a string");

    assertThat(ErrorRenderer.render(e, false)).isEqualTo(file + ":2:25: error: Expected value of type `String`,"
        + " but got type `Int`.\n"
        + " 2 |   [\"a\"] { description = 42 }\n"
        + "   |                         ^\n"
        + "hint: write the description as a string\n");
    assertThat(ExitCodes.of(e)).isEqualTo(ExitCodes.INVALID);
  }

  @Test
  void anErrorWithoutAPlaceIsKilnsAndAMissingFileCostsOnlyTheExcerpt() {
    var e = new PlanException("task `deploy` is not in the pipeline", "known tasks: build",
        new SourceLocation(dir.resolve("gone.pkl"), 3, 1));
    assertThat(ErrorRenderer.render(e, false))
        .isEqualTo(dir.resolve("gone.pkl") + ":3:1: error: task `deploy` is not in the pipeline\nhint: known tasks: build\n");
    assertThat(ErrorRenderer.render(new EngineException("pruning the engine's build cache failed: busy", null, null),
        false)).isEqualTo("kiln: error: pruning the engine's build cache failed: busy\n");
  }

  @Test
  void anExceptionNoModuleTranslatedIsABugAndItsTraceOnlyComesWithStacktrace() {
    var bug = new IllegalStateException("the plan has no root");

    String plain = ErrorRenderer.render(bug, false);
    String traced = ErrorRenderer.render(bug, true);

    assertThat(plain).isEqualTo("kiln: internal error: java.lang.IllegalStateException: the plan has no root;"
        + " this is a bug in Kiln, please report it with the output of --stacktrace\n");
    assertThat(traced).startsWith(plain).contains("\tat dev.kiln.cli.ErrorRendererTest");
    assertThat(ExitCodes.of(bug)).isEqualTo(ExitCodes.KILN_BUG);
  }

  @Test
  void aKilnBugSaysSoWithoutATraceAndExitsSeventy() {
    var e = KilnBugException.of("planning failed unexpectedly", new NullPointerException("op"));
    assertThat(ErrorRenderer.render(e, false)).isEqualTo("kiln: error: planning failed unexpectedly: NullPointerException: op\n"
        + "hint: this is a bug in Kiln, not in your pipeline; please report it with the output of --stacktrace\n");
    assertThat(ExitCodes.of(e)).isEqualTo(ExitCodes.KILN_BUG);
  }

  @Test
  void aFailedTaskNamesItsStepHintAndLastLinesWithSecretsMasked() {
    var e = SolveException.builder("command failed with exit code 2: deploy --token s3cret").setStep("deploy")
        .setExitCode(2).setHint("check the token s3cret").setLogTail(List.of("401 for s3cret", "bye")).build();

    String text = ErrorRenderer.taskFailure("release", e, s -> s.replace("s3cret", "***"));

    assertThat(text).isEqualTo("\ntask release failed: command failed with exit code 2: deploy --token ***\n"
        + "  step: deploy\n"
        + "  hint: check the token ***\n"
        + "  last 2 lines of its output:\n"
        + "    401 for ***\n"
        + "    bye\n");
  }

  @Test
  void aFailedTaskShowsItsServicesOutputPrefixedWithTheirNamesAndMasked() {
    SolveException e = SolveException.builder("command failed with exit code 1: pytest").setStep("pytest")
        .setLogTail(List.of("1 failed")).build()
        .withServiceLogs(Map.of("db", List.of("ready", "FATAL: password s3cret")));
    SolveException masked = e.masked(s -> s.replace("s3cret", "***"));

    assertThat(ErrorRenderer.taskFailure("test", masked, s -> s)).isEqualTo("\ntask test failed: command failed with exit"
        + " code 1: pytest\n"
        + "  step: pytest\n"
        + "  last 1 lines of its output:\n"
        + "    1 failed\n"
        + "  service db, its last 2 lines of output:\n"
        + "    db | ready\n"
        + "    db | FATAL: password ***\n");
  }

  @Test
  void eachKindOfErrorHasItsExitCode() {
    assertThat(ExitCodes.of(new EngineUnavailableException("no BuildKit engine answered", List.of("unix:///x: refused"),
        "start one", null))).isEqualTo(ExitCodes.ENGINE_UNREACHABLE);
    assertThat(ExitCodes.of(SolveException.failed("export of /out produced nothing", null, null)))
        .isEqualTo(ExitCodes.TASK_FAILED);
    assertThat(ExitCodes.of(SolveException.cancelled("the solve was cancelled", null))).isEqualTo(ExitCodes.INTERRUPTED);
    assertThat(ExitCodes.of(new CancelledException("pruning was cancelled", null))).isEqualTo(ExitCodes.INTERRUPTED);
    assertThat(ExitCodes.of(new EngineException("resolving image x failed: not found", null, null)))
        .isEqualTo(ExitCodes.TASK_FAILED);
  }

  @Test
  void anErrorsTextCannotControlTheTerminal() {
    String shown = ErrorRenderer.render(new EngineException(
        "registry said: \033]0;title\007\033[2Jdenied", null, null), false);
    assertThat(shown).contains("registry said: denied").doesNotContain("\033");
  }

  @Test
  void onGitHubActionsEachProblemIsAnAnnotationOnItsLine() {
    Path workspace = Path.of("/work/space");
    PipelineException two = PipelineException.of(List.of(
        new PipelineException("task `a`: unknown dependency `x`", new SourceLocation(workspace.resolve("ci/p.pkl"), 3, 7),
            "declare it, or remove it"),
        new PipelineException("bad, very: bad 100%", new SourceLocation(Path.of("/elsewhere/q.pkl"), 9, 0), null)));
    assertThat(ErrorRenderer.annotations(two, Map.of("GITHUB_ACTIONS", "true", "GITHUB_WORKSPACE", "/work/space")))
        .containsExactlyInAnyOrder(
            "::error file=ci/p.pkl,line=3,col=7,title=Kiln%3A invalid pipeline::task `a`: unknown dependency `x`%0Ahint:"
                + " declare it, or remove it",
            "::error file=/elsewhere/q.pkl,line=9,title=Kiln%3A invalid pipeline::bad, very: bad 100%25");
    assertThat(ErrorRenderer.annotations(two, Map.of("GITLAB_CI", "true"))).isEmpty();
  }
}
