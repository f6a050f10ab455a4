package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile pipelines and broken state files through the {@code kiln} command in a process of its
 * own (Main, its exit code, the JVM's default 1 MB stack, not the launcher's 4 MB), on the engine.
 */
@Tag("e2e")
class HostileE2ETest {
  @TempDir Path dir;

  @BeforeAll
  static void engineIsThere() {
    DockerEngine.require();
  }

  private KilnProcess.Result kiln(Map<String, String> env, String... args) throws Exception {
    return KilnProcess.start(dir, env, args).finish(4);
  }

  private KilnProcess.Result kiln(String... args) throws Exception {
    return kiln(Map.of(), args);
  }

  private Path project(String name, String body) throws IOException {
    Path p = dir.resolve(name).resolve("pipeline.pkl");
    Files.createDirectories(p.getParent());
    return Files.writeString(p, "amends \".kiln/schema/Pipeline.pkl\"\n" + body);
  }

  @Test
  void aChainOfTwelveThousandTasksValidatesAndPlans() throws Exception {
    StringBuilder body = new StringBuilder("local b = container.from(\"busybox:latest\")\ntasks {\n");
    for (int i = 0; i < 12_000; i++) { // dependent first: the first task checked starts the longest path
      body.append("  [\"t").append(i).append("\"] { run = b.withExec(List(\"true\"))")
          .append(i < 11_999 ? " dependsOn { \"t" + (i + 1) + "\" }" : "").append(" }\n");
    }
    Path p = project("chain", body.append("}\n").toString());

    // The default 30 s is for a laptop; a loaded CI runner may need longer for 12,000 tasks.
    KilnProcess.Result validate = kiln("validate", "--eval-timeout", "5m", p.toString());
    assertThat(validate.exit()).as("%s", validate).isZero();
    assertThat(validate.out()).isEqualTo(p + ": ok (12000 tasks)\n");

    KilnProcess.Result plan = kiln("plan", "--eval-timeout", "5m", "-f", p.toString(), "t0");
    assertThat(plan.exit()).as("%s", plan).isZero();
    assertThat(plan.out()).startsWith("plan for Docker 20.10 (BuildKit v0.8): 12000 tasks")
        .contains("task t0 (after t1)");
  }

  @Test
  void aFifoReadAndAStringPastTheJvmLimitExitTwo() throws Exception {
    Path p = project("fifo", "tasks { [\"a\"] { description = read(\"pipe\").text } }\n");
    Process mkfifo = new ProcessBuilder("mkfifo", p.resolveSibling("pipe").toString()).inheritIO().start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).isTrue();
    KilnProcess.Result fifo = kiln("validate", p.toString());
    assertThat(fifo.exit()).as("%s", fifo).isEqualTo(ExitCodes.INVALID);
    assertThat(fifo.err()).contains("is a named pipe (FIFO), not a regular file").doesNotContain("\tat ");

    Path big = project("big", "tasks { [\"a\"] { description = \"xy\".repeat(1073741823) } }\n");
    KilnProcess.Result huge = kiln("validate", big.toString());
    assertThat(huge.exit()).as("%s", huge).isEqualTo(ExitCodes.INVALID);
    assertThat(huge.err()).contains("error: the pipeline needs more memory than evaluation may use")
        .doesNotContain("Exception in thread");
  }

  @Test
  void aValueSharedExponentiallyOftenStopsAtTheDeadlineThoughPklCannotCancelIt() throws Exception {
    // Each directory is read twice by the next: Pkl's export copies it 2^30 times, in Java code
    // its own timeout cannot interrupt (before: still running after 100 s, 6 GB).
    StringBuilder body = new StringBuilder("local b = container.from(\"busybox:latest\")\nlocal d0 = emptyDirectory()\n");
    for (int i = 1; i <= 30; i++) {
      body.append("local d").append(i).append(" = b.withDirectory(\"/x\", d").append(i - 1)
          .append(").withDirectory(\"/y\", d").append(i - 1).append(").directory(\"/x\")\n");
    }
    Path p = project("diamond", body.append("tasks { [\"a\"] { run = b.withDirectory(\"/z\", d30) } }\n").toString());
    long start = System.nanoTime();
    KilnProcess.Result r = kiln("validate", p.toString());
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    assertThat(r.exit()).as("%s", r).isEqualTo(ExitCodes.INVALID);
    assertThat(r.err()).containsAnyOf("error: evaluation did not finish within 30 s", "error: evaluation used more than")
        .doesNotContain("\tat ");
    assertThat(seconds).as("the deadline is 30 s + 2 s, plus the JVM's start").isLessThan(60);
  }

  private Path hello() throws IOException {
    return project("hello", """
        tasks {
          ["hello"] {
            run = module.container.from("busybox:latest").withExec(List("sh", "-c", "mkdir -p /out && echo hi > /out/hi.txt"))
            exports { ["/out/hi.txt"] = "build/hi.txt" }
          }
        }
        """);
  }

  @Test
  void runExplainIgnoresACorruptLastRunAndReplacesIt() throws Exception {
    Path p = hello();
    Path lastRun = p.resolveSibling(".kiln/last-run.json");
    Files.createDirectories(lastRun.getParent());
    Files.writeString(lastRun, "{\"targets\": {\"hello run  \": \"trunc");

    KilnProcess.Result first = kiln("run", "-f", p.toString(), "--explain", "--progress", "plain");
    assertThat(first.exit()).as("%s", first).isZero();
    assertThat(first.err()).contains("warning: ignoring " + lastRun + ": ");
    assertThat(first.out()).contains("explain: no previous run recorded");
    assertThat(new ObjectMapper().readTree(lastRun.toFile()).path("targets").isObject()).isTrue();

    KilnProcess.Result second = kiln("run", "-f", p.toString(), "--explain", "--progress", "plain");
    assertThat(second.exit()).as("%s", second).isZero();
    assertThat(second.err()).doesNotContain("warning");
    assertThat(second.out()).contains("explain: hello (run): unchanged since the last run");
  }

  @Test
  void aKilnDirectoryThatCannotBeWrittenLeavesASuccessfulRunAtZero() throws Exception {
    Path p = hello();
    Files.writeString(p.resolveSibling(".kiln"), "not a directory"); // as root, permissions would not stop a write
    KilnProcess.Result run = kiln("run", "-f", p.toString(), "--progress", "plain");
    assertThat(run.exit()).as("%s", run).isZero();
    assertThat(run.err()).contains("warning: could not record this run").contains("1 succeeded, 0 failed");
    assertThat(Files.readString(p.resolveSibling("build/hi.txt"))).isEqualTo("hi\n");
  }

  @Test
  void engineInfoReplacesACapabilityEntryThatLies() throws Exception {
    Map<String, String> env = Map.of("XDG_CACHE_HOME", dir.resolve("xdg").toString());
    Path p = project("cached", """
        tasks {
          ["t"] { run = module.container.from("busybox:latest").withMountedCache("/c", module.cacheVolume("kiln-e2e-caps")).withExec(List("true")) }
        }
        """);
    KilnProcess.Result info = kiln(env, "engine", "info");
    assertThat(info.exit()).as("%s", info).isZero();
    Path entries = dir.resolve("xdg/kiln/engines");
    List<Path> files;
    try (var list = Files.list(entries)) {
      files = list.filter(f -> f.toString().endsWith(".json")).toList();
    }
    assertThat(files).as("engine info stores what it probed").hasSize(1);
    Path entry = files.get(0);
    ObjectMapper json = new ObjectMapper();
    ObjectNode honest = (ObjectNode) json.readTree(entry.toFile());

    // The right fingerprint, well formed, but without the cache mount the engine has.
    ObjectNode lying = honest.deepCopy();
    ArrayNode caps = lying.putArray("caps");
    honest.get("caps").forEach(c -> {
      if (!c.asText().startsWith("exec.mount.cache")) {
        caps.add(c);
      }
    });
    Files.writeString(entry, json.writeValueAsString(lying));
    KilnProcess.Result refused = kiln(env, "run", "-f", p.toString(), "--progress", "plain");
    assertThat(refused.exit()).as("%s", refused).isEqualTo(ExitCodes.INVALID);
    assertThat(refused.err()).contains("does not support").contains("kiln engine info");

    assertThat(kiln(env, "engine", "info").exit()).isZero();
    assertThat(json.readTree(entry.toFile()).get("caps").toString()).contains("exec.mount.cache");
    KilnProcess.Result repaired = kiln(env, "run", "-f", p.toString(), "--progress", "plain");
    assertThat(repaired.exit()).as("%s", repaired).isZero();

    // Garbage under the right name is not trusted at all.
    Files.writeString(entry, "{\"fingerprint\": " + honest.get("fingerprint") + ", \"probedAt\": "
        + System.currentTimeMillis() + ", \"caps\": [\"garbage\"], \"disabled\": {}}", StandardCharsets.UTF_8);
    KilnProcess.Result garbage = kiln(env, "run", "-f", p.toString(), "--progress", "plain");
    assertThat(garbage.exit()).as("%s", garbage).isZero();
  }
}
