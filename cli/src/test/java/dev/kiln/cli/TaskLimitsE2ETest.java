package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task's {@code timeout} and {@code retries} on the real engine. */
@Tag("e2e")
class TaskLimitsE2ETest extends KilnInProcess {
  @TempDir Path dir;

  @BeforeAll
  static void engineIsThere() {
    DockerEngine.require();
  }

  private Path pipeline(String body) throws Exception {
    Path p = dir.resolve("pipeline.pkl");
    Files.writeString(p, "amends \".kiln/schema/Pipeline.pkl\"\n" + body);
    return p;
  }

  @Test
  void aTaskPastItsTimeoutIsCancelledAndNamesTheStep() throws Exception {
    String marker = UUID.randomUUID().toString();
    Path p = pipeline("""
        tasks {
          ["slow"] {
            run = container.from("busybox:latest").withExec(List("sh", "-c", "echo %s; sleep 120"))
            timeout = 3.s
          }
        }
        """.formatted(marker));
    long start = System.nanoTime();
    int code = kiln("run", "-f", p.toString(), "--progress", "plain");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(code).as(err.toString()).isEqualTo(1);
    assertThat(took).isLessThan(Duration.ofSeconds(100));
    assertThat(err.toString()).contains("task slow timed out after 3.0 s in step `").contains(marker)
        .contains("raise the task's `timeout`");
  }

  @Test
  void aFlakyCommandSucceedsOnItsThirdAttemptAndEachAttemptIsShown() throws Exception {
    // The count survives between attempts in a cache volume of its own; the run-unique value in the
    // command keeps the step out of the cache (BuildKit v0.13+ leaves a cache volume's id out of the
    // step's cache key, so the volume's name alone would not).
    String run = UUID.randomUUID().toString();
    Path p = pipeline("""
        tasks {
          ["flaky"] {
            run = container.from("busybox:latest")
              .withMountedCache("/count", cacheVolume("flaky-%1$s"))
              .withExec(List("sh", "-c", "echo x >> /count/n; test $(wc -l < /count/n) -ge 3 || exit 7 # %1$s"))
            retries = 2
          }
        }
        """.formatted(run));
    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain")).as(err.toString() + out).isZero();
    String all = out.toString() + err;
    assertThat(all).contains("attempt 1 of 3 failed (exit code 7); running it again")
        .contains("attempt 2 of 3 failed (exit code 7); running it again")
        .doesNotContain("attempt 3 of 3");
  }

  @Test
  void withoutRetriesTheFirstFailureEndsTheTask() throws Exception {
    Path p = pipeline("""
        tasks {
          ["fails"] { run = container.from("busybox:latest").withExec(List("sh", "-c", "echo %s; exit 5")) }
        }
        """.formatted(UUID.randomUUID()));
    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain")).isEqualTo(1);
    assertThat(out.toString() + err).doesNotContain("running it again");
  }
}
