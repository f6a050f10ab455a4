package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
 * Services on the real engine: a plain HTTP service (busybox httpd) bound by a step, its log shown
 * when the step fails, runs at once isolated from each other, and nothing left running on the
 * engine after a failure or Ctrl-C.
 */
@Tag("e2e")
class ServicesE2ETest extends KilnInProcess {
  @TempDir Path dir;

  @BeforeAll
  static void engineIsThere() {
    DockerEngine.require();
  }

  /**
   * A busybox httpd service serving {@code /www}; its shell's command line holds {@code marker}
   * (a command after httpd keeps the shell from exec'ing it).
   */
  static String web(String marker, String setup, String check) {
    return """
        local web = container.from("busybox:latest")
          .withNewFile("/www/index.html", "page %1$s\\n")
          .withDefaultArgs(List("sh", "-c", "%2$s echo web starting %1$s; httpd -f -vv -p 8080 -h /www; echo httpd ended"))
          .asService(List(8080), %3$s)
        """.formatted(marker, setup, check);
  }

  /** A task {@code name} whose one step binds {@code web} and runs {@code command} (no quotes), {@code marker} in its env. */
  static String bindingTask(String name, String marker, String command) {
    return """
        tasks {
          ["%s"] {
            run = container.from("busybox:latest")
              .withServiceBinding("web", web)
              .withEnvVariable("RUN", "%s")
              .withExec(List("sh", "-c", "%s"))
          }
        }
        """.formatted(name, marker, command);
  }

  private Path project(String name, String body) throws IOException {
    Path p = dir.resolve(name).resolve("pipeline.pkl");
    Files.createDirectories(p.getParent());
    return Files.writeString(p, "amends \".kiln/schema/Pipeline.pkl\"\n" + body);
  }

  @Test
  void aStepFailingWhileItsServiceIsUpShowsTheServicesLogAndTheServiceIsStopped() throws Exception {
    String marker = "svc-" + UUID.randomUUID();
    Path p = project("fails", web(marker, "", "null")
        + bindingTask("check", marker, "wget -q -O- http://web:8080/index.html && echo tests failed && exit 3"));
    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain")).as(out + "\n" + err).isEqualTo(1);
    assertThat(out.toString()).contains("[check] service web healthy at ").contains("page " + marker);
    assertThat(err.toString()).contains("task check failed: command failed with exit code 3")
        .contains("service web, its last").contains("web | web starting " + marker)
        .contains("web | ").contains("url:/index.html"); // httpd's own log of the step's request
    assertThat(HostProcesses.leftAfterAWhile(marker)).as("the service's processes after the run").isEmpty();
  }

  @Test
  void aServiceThatIsNotHealthyInTimeFailsTheTaskNamingIt() throws Exception {
    String marker = "svc-" + UUID.randomUUID();
    Path p = project("unhealthy", """
        local web = container.from("busybox:latest")
          .withDefaultArgs(List("sh", "-c", "echo never listening %s; sleep 300; echo slept"))
          .asService(List(8080), portCheck(8080, 3.s))
        tasks {
          ["check"] {
            run = container.from("busybox:latest").withServiceBinding("web", web).withExec(List("true"))
          }
        }
        """.formatted(marker));
    assertThat(kiln("run", "-f", p.toString(), "--progress", "plain")).as(out + "\n" + err).isEqualTo(1);
    assertThat(err.toString())
        .contains("task check failed: service `web` was not healthy within 3s: port 8080 accepting connections did"
            + " not pass")
        .contains("web | never listening " + marker).doesNotContain("\tat ");
    assertThat(HostProcesses.leftAfterAWhile(marker)).isEmpty();
  }

  @Test
  void twoRunsAtOnceEachReachTheirOwnInstanceOfTheSameService() throws Exception {
    // The same service in both runs: each instance writes an id of its own at start.
    String marker = "svc-" + UUID.randomUUID();
    String service = web(marker, "cat /proc/sys/kernel/random/uuid > /www/id;", "null");
    List<KilnProcess> runs = new ArrayList<>();
    for (String name : List.of("one", "two")) {
      Path p = project(name, service + """
          tasks {
            ["check"] {
              run = container.from("busybox:latest")
                .withServiceBinding("web", web)
                .withEnvVariable("RUN", "%s")
                .withExec(List("sh", "-c", "mkdir /out && date +%%s > /out/start && wget -q -O /out/first http://web:8080/id && sleep 6 && wget -q -O /out/second http://web:8080/id && date +%%s > /out/end"))
              exports { ["/out"] = "build/out" }
            }
          }
          """.formatted(name + marker));
      runs.add(KilnProcess.start(p.getParent(), Map.of(), "run", "-f", p.toString(), "--progress", "plain"));
    }
    for (KilnProcess run : runs) {
      KilnProcess.Result r = run.finish(4);
      assertThat(r.exit()).as("%s", r).isZero();
    }
    Path one = dir.resolve("one/build/out");
    Path two = dir.resolve("two/build/out");
    // each run's step saw one instance throughout, and not the other run's
    assertThat(one.resolve("second")).hasSameTextualContentAs(one.resolve("first"));
    assertThat(two.resolve("second")).hasSameTextualContentAs(two.resolve("first"));
    assertThat(Files.readString(one.resolve("first"))).isNotEqualTo(Files.readString(two.resolve("first")));
    // while both were running
    long startOne = Long.parseLong(Files.readString(one.resolve("start")).trim());
    long endOne = Long.parseLong(Files.readString(one.resolve("end")).trim());
    long startTwo = Long.parseLong(Files.readString(two.resolve("start")).trim());
    long endTwo = Long.parseLong(Files.readString(two.resolve("end")).trim());
    assertThat(Math.max(startOne, startTwo)).as("the steps overlapped").isLessThan(Math.min(endOne, endTwo));
    assertThat(HostProcesses.leftAfterAWhile(marker)).isEmpty();
  }

  @Test
  void ctrlCStopsTheServiceOnTheEngine() throws Exception {
    String marker = "svc-" + UUID.randomUUID();
    Path p = project("interrupted", web(marker, "", "null")
        + bindingTask("long", marker, "wget -q -O- http://web:8080/index.html && sleep 300"));
    KilnProcess run = KilnProcess.start(p.getParent(), Map.of(), "run", "-f", p.toString(), "--progress", "plain");
    for (int i = 0; i < 240 && !run.outSoFar().contains("page " + marker); i++) {
      Thread.sleep(500);
    }
    assertThat(run.outSoFar()).as("the step reached the service").contains("page " + marker);
    assertThat(HostProcesses.with(marker)).as("the service runs").isNotEmpty();
    long interrupted = System.nanoTime();
    run.interrupt();
    KilnProcess.Result r = run.finish(2);
    long exited = System.nanoTime();
    assertThat(r.exit()).as("%s", r).isEqualTo(ExitCodes.INTERRUPTED);
    List<String> left = HostProcesses.with(marker);
    // Kiln releases the service before it exits: nothing is left for the engine to clean up later
    assertThat(left).as("the service's processes when Kiln has exited after Ctrl-C").isEmpty();
    System.out.printf("Ctrl-C with a service up: kiln exited %d ms after SIGINT, no service process left%n",
        (exited - interrupted) / 1_000_000);
  }
}
