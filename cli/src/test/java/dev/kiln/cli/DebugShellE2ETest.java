package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The debug shell on the real engine, driven through a real pseudo-terminal: Kiln runs in a tmux
 * session of the test's own (its own server socket), keys are sent with {@code send-keys} and the
 * screen read with {@code capture-pane}.
 */
@Tag("e2e")
class DebugShellE2ETest extends KilnInProcess {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String SECRET = "tok-" + UUID.randomUUID();

  @TempDir Path project;
  private final String socket = "kiln-e2e-" + UUID.randomUUID();
  private final String nonce = UUID.randomUUID().toString().substring(0, 8);
  private Path pipeline;

  @BeforeAll
  static void engineAndTmuxAreThere() throws Exception {
    DockerEngine.require();
    Process p;
    try {
      p = new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("these tests drive the shell through tmux: install it (apt-get install -y tmux)", e);
    }
    assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).as("tmux -V").isTrue();
  }

  @BeforeEach
  void project() throws IOException {
    Files.writeString(project.resolve("tok.txt"), SECRET);
    pipeline = Files.writeString(project.resolve("pipeline.pkl"), """
        amends ".kiln/schema/Pipeline.pkl"
        local base = container.from("busybox:latest")
          .withMountedCache("/cache", cacheVolume("kiln-e2e-debug-shell"))
          .withMountedSecret("/run/secrets/tok", fileSecret("tok", "tok.txt"))
          .withEnvVariable("GREETING", "hello-%1$s")
          .withWorkdir("/work")
        tasks {
          ["broken"] {
            run = base
              .withExec(List("sh", "-c", "echo before-%1$s > /work/before.txt"))
              .withExec(List("sh", "-c", "echo during-%1$s > /work/during.txt; cat /run/secrets/tok; exit 3"))
          }
          ["built"] { run = base.withExec(List("sh", "-c", "echo built-%1$s > /work/made.txt")) }
          ["version"] {
            run = base.withExec(List("sh", "-c", "mkdir -p /kiln/results && echo v-%1$s > /kiln/results/version"))
            results { "version" }
          }
          ["uses-version"] {
            dependsOn { "version" }
            run = base.withMountedDirectory("/upstream", host.directory(".kiln/results/version"))
              .withExec(List("sh", "-c", "cp /upstream/version /work/copied.txt"))
          }
          ["flaky"] {
            timeout = 5.min
            retries = 2
            run = base.withExec(List("sh", "-c", "echo try >> /cache/tries-%1$s; echo attempt-$(wc -l < /cache/tries-%1$s); exit 5"))
          }
        }
        """.formatted(nonce));
  }

  @AfterEach
  void stopTmux() throws Exception {
    tmux("kill-server"); // this test's own server only
  }

  @Test
  void aShellOpensWhereAStepFailedAndExitingItEndsTheRunWithTheFailure() throws Exception {
    start("run", "-i", "-f", pipeline.toString(), "broken");
    long failed = waitFor(s -> s.contains("exit code: 3") || s.contains("exit code 3"));
    long prompt = waitFor(s -> s.contains("/work # "));
    System.err.println("debug shell: prompt " + (prompt - failed) / 1_000_000 + " ms after the failure showed");
    String opened = screen();
    assertThat(opened).as("what Kiln prints is masked").doesNotContain(SECRET);
    // An engine that sends error details (BuildKit's SolveError with the failed step's mounts; a
    // standalone buildkitd does) gets a shell on the state the failure left: the failed step's own
    // write is there. Docker 20.10.24 sends none: the shell has the state before the failed step.
    boolean after = opened.contains("a shell in its container as the failure left it");
    if (DockerEngine.docker()) {
      assertThat(opened).containsAnyOf("as it was before the step ran", "as the failure left it");
    } else {
      assertThat(after).as("a standalone buildkitd sends error details:\n" + opened).isTrue();
    }

    keys("cat before.txt; echo $GREETING; cat /run/secrets/tok; echo; echo c > /cache/x && echo cache-$((40+2))");
    waitFor(s -> s.contains("cache-42\n")); // not in the echoed input
    keys("cat during.txt || echo no-during-$((1+1))");
    waitFor(s -> s.contains(after ? "\nduring-" + nonce + "\n" : "no-during-2\n"));
    String shell = screen();
    assertThat(shell).contains("before-" + nonce + "\nhello-" + nonce + "\n" + SECRET + "\n");

    keys("exit");
    waitFor(s -> s.contains("KILN-EXIT="));
    assertThat(screen()).contains("KILN-EXIT=1");
  }

  @Test
  void kilnShellOpensInTheContainerATaskBuilt() throws Exception {
    start("shell", "-f", pipeline.toString(), "built");
    waitFor(s -> s.contains("/work # "));
    keys("cat made.txt; echo $GREETING; pwd; exit 7");
    waitFor(s -> s.contains("KILN-EXIT="));
    assertThat(screen()).contains("built-" + nonce + "\nhello-" + nonce + "\n/work\n").contains("KILN-EXIT=7");
  }

  @Test
  void kilnShellRunsWhatTheTaskDependsOnAndHasItsLastCommandsMounts() throws Exception {
    start("shell", "-f", pipeline.toString(), "uses-version");
    waitFor(s -> s.contains("/work # "));
    assertThat(screen()).contains("running what task uses-version depends on first: version");
    // the upstream result, read through the mounted host directory and the task's own copy of it;
    // the cache volume and the secret file of the last command
    keys("cat copied.txt /upstream/version; echo c > /cache/shell-x && echo cache-$((40+2)); cat /run/secrets/tok; echo");
    // the secret's line comes after cache-42: wait for it too, or the screen may be read in between
    waitFor(s -> s.contains("cache-42\n" + SECRET + "\n"));
    assertThat(screen()).contains("v-" + nonce + "\nv-" + nonce + "\ncache-42\n" + SECRET + "\n");
    keys("exit 4");
    waitFor(s -> s.contains("KILN-EXIT="));
    assertThat(screen()).contains("KILN-EXIT=4");
  }

  @Test
  void withRetriesTheShellOpensOnlyAfterTheLastAttempt() throws Exception {
    start("run", "-i", "-f", pipeline.toString(), "flaky");
    waitFor(s -> s.contains("/work # "));
    String screen = screen();
    assertThat(screen).contains("attempt 1 of 3 failed (exit code 5); running it again")
        .contains("attempt 2 of 3 failed (exit code 5); running it again");
    assertThat(screen.split("a shell in its container", -1)).as("shells opened").hasSize(2);
    keys("exit");
    waitFor(s -> s.contains("KILN-EXIT="));
    assertThat(screen()).contains("KILN-EXIT=1");
  }

  @Test
  void interactiveWithoutATerminalIsAUsageErrorAtOnce() {
    long t0 = System.nanoTime();
    // The test's JVM has no console: stdin and stdout are pipes.
    assertThat(kiln("run", "-i", "-f", pipeline.toString(), "broken")).isEqualTo(ExitCodes.INVALID);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    assertThat(err.toString()).contains("a shell needs a terminal");
    assertThat(kiln("shell", "-f", pipeline.toString(), "built")).isEqualTo(ExitCodes.INVALID);
  }

  /** Runs kiln with {@code args} in a new tmux session; the pane stays after it ends, with its exit code. */
  private void start(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    StringBuilder script = new StringBuilder("cd '" + project + "'\n");
    if (DockerEngine.ADDRESS != null) {
      script.append("export BUILDKIT_HOST='").append(DockerEngine.ADDRESS).append("'\n");
    }
    command.forEach(c -> script.append('\'').append(c.replace("'", "'\\''")).append("' "));
    script.append("\necho KILN-EXIT=$?\nsleep 600\n");
    Path file = Files.writeString(project.resolve("run.sh"), script);
    assertThat(tmux("new-session", "-d", "-x", "160", "-y", "50", "sh " + file)).isZero();
  }

  private void keys(String line) throws Exception {
    tmux("send-keys", "-l", line);
    tmux("send-keys", "Enter");
  }

  /** Polls the screen until {@code done}; returns the nanoTime it first held. */
  private long waitFor(Predicate<String> done) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (done.test(screen())) {
        return System.nanoTime();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the terminal never showed what was expected:\n" + screen());
  }

  /** The pane with its history, wrapped lines joined, without carriage returns. */
  private String screen() throws Exception {
    Process p = new ProcessBuilder("tmux", "-L", socket, "capture-pane", "-p", "-J", "-S", "-500")
        .redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.SECONDS);
    return text.replace("\r", "");
  }

  private int tmux(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("tmux", "-L", socket));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }
}
