package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testsupport.SecondDockerd;
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
 * A service's end when Kiln cannot stop it itself: Kiln's process killed (SIGKILL), on BuildKit
 * v0.8 where nothing releases a gateway container, and the engine lost while the service is up.
 */
@Tag("e2e")
class ServiceLifecycleE2ETest {
  @TempDir Path dir;

  @BeforeAll
  static void engineIsThere() {
    DockerEngine.require();
  }

  private Path project(String marker, String step) throws IOException {
    Path p = dir.resolve("pipeline.pkl");
    return Files.writeString(p, "amends \".kiln/schema/Pipeline.pkl\"\n" + ServicesE2ETest.web(marker, "", "null")
        + ServicesE2ETest.bindingTask("long", marker, step));
  }

  /** Starts {@code kiln run} of {@code p} with {@code args} and waits until its output shows {@code shown}. */
  private static KilnProcess runUntil(String shown, Path p, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("run", "-f", p.toString(), "--progress", "plain"));
    all.addAll(List.of(args));
    KilnProcess run = KilnProcess.start(p.getParent(), Map.of(), all.toArray(String[]::new));
    for (int i = 0; i < 360 && !run.outSoFar().contains(shown); i++) {
      Thread.sleep(500);
    }
    assertThat(run.outSoFar()).contains(shown);
    return run;
  }

  @Test
  void killingKilnStopsItsServiceOnTheEngine() throws Exception {
    String marker = "svc-" + UUID.randomUUID();
    KilnProcess run = runUntil("page " + marker,
        project(marker, "wget -q -O- http://web:8080/index.html && sleep 120"));
    assertThat(HostProcesses.with(marker)).as("the service runs").isNotEmpty();
    long killed = System.nanoTime();
    run.kill();
    List<String> left = HostProcesses.with(marker);
    while (!left.isEmpty() && System.nanoTime() - killed < 30_000_000_000L) {
      Thread.sleep(100);
      left = HostProcesses.with(marker);
    }
    long gone = System.nanoTime();
    assertThat(left).as("the service's processes 30 s after Kiln was killed").isEmpty();
    System.out.printf("kill -9 with a service up: its last process was gone %d ms after SIGKILL%n",
        (gone - killed) / 1_000_000);
  }

  @Test
  void losingTheEngineWhileAServiceIsUpFailsTheRunAsEngineUnreachable() throws Exception {
    String marker = "svc-" + UUID.randomUUID();
    // The second daemon's bridge forwards nothing between containers (no iptables rules of its own),
    // so the step does not reach the service: it waits while the service is up.
    lose(marker, project(marker, "sleep 120"), "#3 sh -c sleep 120");
  }

  @Test
  void losingTheEngineWhileAServiceStartsFailsTheRunAsEngineUnreachable() throws Exception {
    String marker = "svc-" + UUID.randomUUID();
    Path p = Files.writeString(dir.resolve("pipeline.pkl"), """
        amends ".kiln/schema/Pipeline.pkl"
        local web = container.from("busybox:latest")
          .withDefaultArgs(List("sh", "-c", "echo never listening %s; sleep 300; echo slept"))
          .asService(List(8080), portCheck(8080, 60.s))
        tasks {
          ["check"] { run = container.from("busybox:latest").withServiceBinding("web", web).withExec(List("true")) }
        }
        """.formatted(marker));
    lose(marker, p, "[check] started");
  }

  /** Runs {@code p} on a second engine, kills the engine once the output shows {@code shown}, and checks the end. */
  private static void lose(String marker, Path p, String shown) throws Exception {
    try (SecondDockerd engine = SecondDockerd.startForTest()) {
      KilnProcess run = runUntil(shown, p, "--engine", engine.engineAddress());
      for (int i = 0; i < 120 && HostProcesses.with(marker).isEmpty(); i++) {
        Thread.sleep(500);
      }
      assertThat(HostProcesses.with(marker)).as("the service runs").isNotEmpty();
      Thread.sleep(1000);
      long killed = System.nanoTime();
      engine.kill();
      KilnProcess.Result r = run.finish(2);
      long exited = System.nanoTime();
      assertThat(r.exit()).as("%s", r).isEqualTo(ExitCodes.ENGINE_UNREACHABLE);
      assertThat(r.err()).contains("lost the BuildKit engine").doesNotContain("\tat ");
      assertThat(HostProcesses.leftAfterAWhile(marker)).as("the service's processes").isEmpty();
      System.out.printf("engine lost with a service up: kiln exited %d ms after the engine was killed%n%s%n",
          (exited - killed) / 1_000_000, r.err());
    }
  }
}
