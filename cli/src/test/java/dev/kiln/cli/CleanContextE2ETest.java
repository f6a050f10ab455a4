package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code host.directory(".")} on Docker's engine sends the project's sources only: not {@code
 * .git}, {@code .kiln}, the pipeline and its imports, nor what {@code .gitignore} leaves out
 * (unless {@code .kilnignore} re-includes it), so a commit, an edited description or a rebuilt
 * ignored output re-runs nothing.
 */
@Tag("e2e")
class CleanContextE2ETest extends KilnInProcess {
  @TempDir Path dir;

  @BeforeAll
  static void engineIsThere() {
    DockerEngine.require();
  }

  @Test
  void ignoredFilesNeverReachAStepAndChangingThemRerunsNothing() throws Exception {
    String marker = UUID.randomUUID().toString();
    Path project = dir.resolve("p");
    Files.createDirectories(project.resolve("src"));
    Files.createDirectories(project.resolve("build"));
    Files.writeString(project.resolve("src/main.txt"), "main " + marker);
    Files.writeString(project.resolve("build/out.bin"), "built 1");
    Files.writeString(project.resolve("build/keep.txt"), "kept");
    Files.writeString(project.resolve("debug.log"), "log 1");
    Files.writeString(project.resolve(".gitignore"), "build/\n*.log\n");
    Files.writeString(project.resolve(".kilnignore"), "!build/keep.txt\n");
    Files.writeString(project.resolve("lib.pkl"), "description = \"lists the context\"\n");
    Path pipeline = project.resolve("pipeline.pkl");
    Files.writeString(pipeline, pipelineText("lists the context", marker));
    git(project, "init", "-q");
    git(project, "add", "-A");
    git(project, "commit", "-q", "-m", "first");

    assertThat(kiln("run", "-f", pipeline.toString(), "--progress=plain")).as(err.toString()).isZero();
    // The step's output lines (not the command line the progress also prints).
    List<String> sent = listed("sent");
    assertThat(sent).containsExactly("./.gitignore", "./.kilnignore", "./build/keep.txt", "./src/main.txt");
    assertThat(cached(pipeline)).isTrue();

    // A commit, edits of the pipeline and its import, and changes of git-ignored files.
    Files.writeString(project.resolve("debug.log"), "log 2");
    Files.writeString(project.resolve("build/out.bin"), "built 2");
    Files.writeString(project.resolve("lib.pkl"), "// a comment\ndescription = \"lists the context\"\n");
    Files.writeString(pipeline, pipelineText("lists what the engine was sent", marker));
    git(project, "add", "-A");
    git(project, "commit", "-q", "-m", "second");
    assertThat(cached(pipeline)).as("nothing a step reads changed").isTrue();

    Files.writeString(project.resolve("src/main.txt"), "main changed " + marker);
    assertThat(cached(pipeline)).as("a source changed").isFalse();
  }

  @Test
  void whatThePipelineNamesOrReadsWithoutGitignoreIsSent() throws Exception {
    String marker = UUID.randomUUID().toString();
    Path project = dir.resolve("q");
    Files.createDirectories(project.resolve("gen"));
    Files.writeString(project.resolve("gen/api.txt"), "generated " + marker);
    Files.writeString(project.resolve("notes.log"), "a log");
    Files.writeString(project.resolve(".gitignore"), "gen/\n*.log\n");
    Files.writeString(project.resolve(".kilnignore"), "notes.log\n");
    Path pipeline = project.resolve("pipeline.pkl");
    Files.writeString(pipeline, """
        amends ".kiln/schema/Pipeline.pkl"
        local base = container.from("busybox:latest")
        tasks {
          ["named"] {
            // Named explicitly: the pipeline file and a git-ignored file are sent although the
            // defaults leave them out of the directory.
            run = base.withFile("/in/pipeline.pkl", host.directory(".").file("pipeline.pkl"))
              .withFile("/in/api.txt", host.directory(".").file("gen/api.txt"))
              .withExec(List("sh", "-c", "grep -c named /in/pipeline.pkl; cat /in/api.txt; echo %1$s"))
          }
          ["all"] {
            // Without git's rules the generated directory is sent; .kilnignore still applies.
            run = base.withDirectory("/ctx", host.directory(".").withoutGitignore()).withWorkdir("/ctx")
              .withExec(List("sh", "-c", "find . -type f | sort | sed 's/^/sent=/'; echo %1$s"))
          }
        }
        """.formatted(marker));
    git(project, "init", "-q");
    assertThat(kiln("run", "-f", pipeline.toString(), "--progress=plain")).as(err.toString() + out).isZero();
    assertThat(out.toString()).contains("generated " + marker);
    List<String> sent = listed("sent");
    assertThat(sent).containsExactly("./.gitignore", "./.kilnignore", "./gen/api.txt");
  }

  @Test
  void nestedGitignoresLeaveTheirFilesOutAndChangingThemRerunsNothing() throws Exception {
    String marker = UUID.randomUUID().toString();
    Path project = dir.resolve("n");
    Files.createDirectories(project.resolve("svc/src"));
    Files.createDirectories(project.resolve("svc/build/generated"));
    Files.writeString(project.resolve(".gitignore"), "*.log\n");
    Files.writeString(project.resolve("svc/.gitignore"), "build/\n/local.env\n!keep.log\n");
    Files.writeString(project.resolve("svc/src/.gitignore"), "*.tmp\n");
    Files.writeString(project.resolve("svc/src/Main.java"), "class Main {} // " + marker);
    Files.writeString(project.resolve("svc/src/x.tmp"), "tmp 1");
    Files.writeString(project.resolve("svc/src/local.env"), "not anchored here");
    Files.writeString(project.resolve("svc/local.env"), "A=1");
    Files.writeString(project.resolve("svc/a.log"), "log 1");
    Files.writeString(project.resolve("svc/keep.log"), "kept");
    Files.writeString(project.resolve("svc/secret.txt"), "excluded locally");
    Files.writeString(project.resolve("svc/build/out.bin"), "built 1");
    Files.writeString(project.resolve("svc/build/generated/Api.java"), "named");
    Path pipeline = project.resolve("pipeline.pkl");
    Files.writeString(pipeline, """
        amends ".kiln/schema/Pipeline.pkl"
        tasks {
          ["list"] {
            run = container.from("busybox:latest")
              .withDirectory("/ctx", host.directory("."))
              .withDirectory("/svc", host.directory("svc"))
              .withFile("/named/Api.java", host.directory(".").file("svc/build/generated/Api.java"))
              .withExec(List("sh", "-c", "cd /ctx && find . -type f | sed 's/^/sent=/'; cd /svc && find . -type f | sed 's/^/svc=/'; cat /named/Api.java; echo; echo %s"))
          }
        }
        """.formatted(marker));
    git(project, "init", "-q");
    Files.writeString(project.resolve(".git/info/exclude"), "secret.txt\n");
    git(project, "add", "-A");
    git(project, "add", "-f", "svc/src/x.tmp"); // tracked, yet git's rules leave it out of the context
    git(project, "commit", "-q", "-m", "first");

    assertThat(kiln("run", "-f", pipeline.toString(), "--progress=plain")).as(err.toString()).isZero();
    List<String> sent = listed("sent");
    assertThat(sent).containsExactly("./.gitignore", "./svc/.gitignore", "./svc/keep.log", "./svc/src/.gitignore",
        "./svc/src/Main.java", "./svc/src/local.env");
    List<String> svc = listed("svc");
    assertThat(svc).containsExactly("./.gitignore", "./keep.log", "./src/.gitignore", "./src/Main.java",
        "./src/local.env");
    assertThat(out.toString()).contains("named");
    assertThat(cached(pipeline)).isTrue();

    // Git-ignored files change, one of them tracked: nothing a step reads changed, and --affected agrees.
    Files.writeString(project.resolve("svc/src/x.tmp"), "tmp 2");
    Files.writeString(project.resolve("svc/a.log"), "log 2");
    Files.writeString(project.resolve("svc/build/out.bin"), "built 2");
    Files.writeString(project.resolve("svc/local.env"), "A=2");
    Files.writeString(project.resolve("svc/secret.txt"), "changed");
    assertThat(cached(pipeline)).as("nothing a step reads changed").isTrue();
    assertThat(kiln("plan", "-f", pipeline.toString(), "--affected", "HEAD")).as(err.toString()).isZero();
    assertThat(err.toString()).contains("no task is affected by what changed since HEAD");

    Files.writeString(project.resolve("svc/src/local.env"), "changed");
    assertThat(cached(pipeline)).as("a file only a deeper, anchored rule names changed").isFalse();
  }

  private static String pipelineText(String description, String marker) {
    return """
        amends ".kiln/schema/Pipeline.pkl"
        import "lib.pkl"
        local base = container.from("busybox:latest")
        local context = host.directory(".")
        tasks {
          ["list"] {
            description = "%s (\\(lib.description))"
            run = base.withDirectory("/ctx", context)
              .withWorkdir("/ctx")
              .withExec(List("sh", "-c", "find . -type f | sed 's/^/sent=/'; echo %s"))
          }
        }
        """.formatted(description, marker);
  }

  /** What the step printed as {@code key=./path}, the paths sorted (not the command line the progress also prints). */
  private List<String> listed(String key) {
    return out.toString().lines().filter(l -> l.matches(".*" + key + "=\\./.*")).map(l -> l.replaceAll(".*" + key + "=", ""))
        .sorted().toList();
  }

  /** Runs the pipeline again; whether its task came from the cache. */
  private boolean cached(Path pipeline) throws Exception {
    assertThat(kiln("run", "-f", pipeline.toString(), "--progress=json")).as(err.toString()).isZero();
    ObjectMapper json = new ObjectMapper();
    for (String line : out.toString().split("\n")) {
      JsonNode e = json.readTree(line);
      if (e.path("event").asText().equals("task-finished")) {
        return e.get("cached").asBoolean();
      }
    }
    throw new AssertionError("no task-finished event in " + out);
  }

  private static void git(Path project, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=kiln", "-c",
        "user.email=kiln@example.invalid", "-c", "commit.gpgsign=false"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
  }
}
