package dev.kiln.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.executor.EngineException;
import dev.kiln.planner.llb.Exec;
import dev.kiln.planner.llb.Marshaller;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GatewayContainerE2ETest extends ConnectedE2E {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static String solveMarked(Gateway gw, String marker) {
    return gw.solve(new Marshaller().marshal(SolverE2ETest.busybox()
        .run(Exec.of("sh", "-c", "echo " + marker + " > /marker")).root()).toPb(), List.of());
  }

  @Test
  void theFirstProcessSeesTheResultAndItsOutputAndExitCodeComeBack() throws Exception {
    String marker = UUID.randomUUID().toString();
    try (Gateway gw = Gateway.open(engine, SolveOptions.none(), r -> { })) {
      String ref = solveMarked(gw, marker);
      try (GatewayContainer c = gw.container(List.of(new ContainerMount.Result("/", ref, "", false),
          new ContainerMount.Tmpfs("/scratch")), ContainerNetwork.NONE)) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        ContainerProcess p = c.start(new ProcessSpec(List.of("sh", "-c",
                "cat marker; echo \"$GREETING from $(pwd) as $(id -u)\" >&2; touch /scratch/t; exit 3"),
            List.of("GREETING=hi"), "/", "", false, false), out, err);
        ProcessExit exit = p.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(exit.code()).isEqualTo(3);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(marker + "\n");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("hi from / as 0\n");
        // The first process was the container: nothing runs in it any more.
        assertThatThrownBy(() -> c.start(ProcessSpec.of(List.of("true"), List.of()), out, err))
            .isInstanceOf(EngineException.class).hasMessageContaining("has stopped");
      }
    }
  }

  @Test
  void laterProcessesRunBesideTheFirstWithStdinAndATerminal() throws Exception {
    String marker = UUID.randomUUID().toString();
    try (Gateway gw = Gateway.open(engine, SolveOptions.none(), r -> { })) {
      String ref = solveMarked(gw, marker);
      try (GatewayContainer c = gw.container(List.of(new ContainerMount.Result("/", ref, "", false)),
          ContainerNetwork.NONE)) {
        // The first process is the container: it writes a file and then waits on its stdin.
        var firstOut = new ByteArrayOutputStream();
        ContainerProcess first = c.start(new ProcessSpec(List.of("sh", "-c", "echo up > /up; cat; echo bye"),
            List.of(), "/", "", false, true), firstOut, firstOut);

        // A process run beside the first sees its writes.
        var again = new ByteArrayOutputStream();
        ProcessExit cat = c.start(ProcessSpec.of(List.of("sh", "-c", "while [ ! -e /up ]; do sleep 0.1; done; cat /up"),
            List.of()), again, again).waitFor();
        assertThat(cat.code()).isZero();
        assertThat(again.toString(StandardCharsets.UTF_8)).isEqualTo("up\n");

        var out = new ByteArrayOutputStream();
        ContainerProcess shell = c.start(new ProcessSpec(List.of("/bin/sh"), List.of(), "/tmp", "", true, true),
            out, out);
        shell.resize(33, 101);
        Thread.sleep(500); // the engine resizes the terminal apart from the input
        byte[] input = "cat /up /marker; stty size; pwd; exit 4\n".getBytes(StandardCharsets.UTF_8);
        shell.write(input, 0, input.length);
        ProcessExit exit = shell.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(exit.code()).isEqualTo(4);
        // A terminal echoes the input and ends lines with CR LF.
        assertThat(out.toString(StandardCharsets.UTF_8).replace("\r", ""))
            .contains("up\n" + marker + "\n33 101\n/tmp\n");
        assertThat(first.exit()).isNotDone();
      }
    }
  }

  @Test
  void aReleasedContainerRunsNothingMore() throws Exception {
    try (Gateway gw = Gateway.open(engine, SolveOptions.none(), r -> { })) {
      String ref = solveMarked(gw, "x");
      GatewayContainer c = gw.container(List.of(new ContainerMount.Result("/", ref, "", true)), ContainerNetwork.NONE);
      var out = new ByteArrayOutputStream();
      ContainerProcess sleeper = c.start(new ProcessSpec(List.of("sleep", "300"), List.of(), "/", "", false, false),
          out, out);
      long t0 = System.nanoTime();
      c.close();
      // Released under it: the process is killed, its exit status unknown or a signal's.
      ProcessExit exit = sleeper.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(exit.code()).isNotZero();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
      c.close(); // idempotent
      assertThatThrownBy(() -> c.start(ProcessSpec.of(List.of("true"), List.of()), out, out))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void aMissingCommandIsAnEngineErrorOrAnUnknownExit() throws Exception {
    try (Gateway gw = Gateway.open(engine, SolveOptions.none(), r -> { })) {
      String ref = solveMarked(gw, "x");
      try (GatewayContainer c = gw.container(List.of(new ContainerMount.Result("/", ref, "", true)),
          ContainerNetwork.NONE)) {
        var out = new ByteArrayOutputStream();
        try {
          ProcessExit exit = c.start(ProcessSpec.of(List.of("/no/such/command"), List.of()), out, out).waitFor();
          assertThat(exit.code()).isNotZero();
          assertThat(exit.error()).isNotEmpty();
        } catch (EngineException e) {
          assertThat(e.getMessage()).contains("no/such/command");
        }
      }
    }
  }
}
