package dev.kiln.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kiln.model.PipelineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host paths that symbolic links lead out of the project are refused when the pipeline is evaluated. */
class ProjectLinksTest {
  @TempDir Path base;
  Path project;
  Path outside;
  Path pipeline;

  @BeforeEach
  void dirs() throws Exception {
    project = Files.createDirectories(base.resolve("project"));
    outside = Files.createDirectories(base.resolve("outside"));
    pipeline = project.resolve("pipeline.pkl");
  }

  private void write(String tasks) throws Exception {
    Files.writeString(pipeline, """
        amends ".kiln/schema/Pipeline.pkl"
        local busybox = container.from("busybox:latest")
        tasks {
        %s}
        """.formatted(tasks));
  }

  private PipelineEvaluator evaluator() {
    return PipelineEvaluator.builder().environment(Map.of()).build();
  }

  private PipelineException refused(PipelineEvaluator evaluator) {
    PipelineException e = catchThrowableOfType(PipelineException.class, () -> evaluator.evaluate(pipeline));
    assertThat(e).as("refused").isNotNull();
    return e;
  }

  @Test
  void anExportThroughALinkedDirectoryOutsideIsRefusedAtItsLocation() throws Exception {
    Files.createSymbolicLink(project.resolve("build"), Path.of("../outside"));
    write("""
          ["a"] {
            run = busybox
            exports { ["/out/x.txt"] = "build/x.txt" }
          }
        """);
    PipelineException e = refused(evaluator());
    assertThat(e.getMessage()).isEqualTo("export destination `build/x.txt` of task `a` leads outside the project, to "
        + outside.toRealPath().resolve("x.txt") + ", through the symbolic link `build` (-> `../outside`)");
    assertThat(e.location()).hasValueSatisfying(l -> assertThat(l.line() + ":" + l.column()).isEqualTo("6:32"));
    assertThat(e.hint()).hasValue("export to a directory of the project that is not a link to elsewhere, or remove the link");
  }

  @Test
  void anExportOntoALinkToAFileOutsideIsRefused() throws Exception {
    Files.createDirectories(project.resolve("build"));
    Files.createSymbolicLink(project.resolve("build/app.jar"), outside.resolve("app.jar"));
    write("""
          ["a"] { run = busybox; exports { ["/app.jar"] = "build/app.jar" } }
        """);
    assertThat(refused(evaluator()).getMessage()).contains("leads outside the project")
        .contains("symbolic link `build/app.jar`");
  }

  @Test
  void aHostDirectoryThatLinksOutIsRefusedAndOneThatStaysInsideIsNot() throws Exception {
    Files.createSymbolicLink(project.resolve("src"), outside);
    Files.createDirectories(project.resolve("real"));
    Files.createSymbolicLink(project.resolve("alias"), Path.of("real"));
    write("""
          ["ok"] { run = busybox.withDirectory("/a", module.host.directory("alias")) }
          ["b"] { run = busybox.withDirectory("/src", module.host.directory("src")).withExec(List("ls", "/src")) }
        """);
    PipelineException e = refused(evaluator());
    assertThat(e.getMessage()).startsWith("host directory `src` of task `b` leads outside the project, to "
        + outside.toRealPath());
    assertThat(e.location()).hasValueSatisfying(l -> assertThat(l.line()).isEqualTo(5));
  }

  @Test
  void exportsThatMeetThroughALinkClash() throws Exception {
    Files.createDirectories(project.resolve("build"));
    Files.createSymbolicLink(project.resolve("out"), Path.of("build"));
    write("""
          ["all"] { run = busybox; exports { ["/out"] = "build" } }
          ["one"] { run = busybox; exports { ["/x"] = "out/x.txt" } }
        """);
    assertThat(refused(evaluator()).getMessage()).startsWith(
        "export destination `out/x.txt` of task `one` is inside `build`, the export destination of task `all`");
  }

  @Test
  void aLoopOfLinksIsRefused() throws Exception {
    Files.createSymbolicLink(project.resolve("a"), Path.of("b"));
    Files.createSymbolicLink(project.resolve("b"), Path.of("a"));
    write("""
          ["t"] { run = busybox; exports { ["/x"] = "a/x.txt" } }
        """);
    assertThat(refused(evaluator()).getMessage()).contains("cannot be resolved").contains("loop");
  }

  @Test
  void aCachedEvaluationIsCheckedAgainstTheTreeAsItIsNow() throws Exception {
    write("""
          ["a"] { run = busybox; exports { ["/out/x.txt"] = "build/x.txt" } }
        """);
    PipelineEvaluator cached = PipelineEvaluator.builder().environment(Map.of())
        .cache(project.resolve(".kiln/cache/evaluations"), "b1").build();
    assertThat(cached.evaluate(pipeline).tasks()).containsKey("a");
    Files.createSymbolicLink(project.resolve("build"), outside);
    assertThat(refused(cached).getMessage()).contains("leads outside the project");
  }
}
