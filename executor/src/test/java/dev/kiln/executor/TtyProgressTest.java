package dev.kiln.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.executor.proto.control.VertexLog;
import dev.kiln.planner.EngineCapabilities;
import dev.kiln.planner.Plan;
import dev.kiln.planner.PlannedTask;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class TtyProgressTest {
  private final StringWriter out = new StringWriter();

  private static PlannedTask task(String name) {
    return new PlannedTask(name, "", List.of(), true, List.of(), new TreeSet<>(), new TreeSet<>());
  }

  private static StatusResponse printed(String text) {
    return StatusResponse.newBuilder().addLogs(VertexLog.newBuilder().setVertex("sha256:a").setStream(1)
        .setMsg(ByteString.copyFromUtf8(text))).build();
  }

  @Test
  void aRunningTaskShowsItsLastLinesAndQueuedTasksAreListed() {
    TtyProgress tty = new TtyProgress(new PrintWriter(out), 80);
    var view = new MaskingListener(SecretMasker.none(), tty);
    view.runStarted(new Plan(List.of(task("build"), task("test"), task("deploy")), EngineCapabilities.dockerV20_10(),
        List.of()));
    view.taskStarted("build");
    view.status("build", null, printed("one\ntwo\n\033[31mthree\033[0m\tred\nfour\n"));
    tty.redraw();
    String frame = out.toString().replace("\033[2K", "");
    assertThat(frame).contains("    > two\n").contains("    > three red\n").contains("    > four\n")
        .doesNotContain("    > one\n").contains("  queued (2): test, deploy\n");
    view.taskFinished(new TaskOutcome("build", TaskOutcome.Status.SUCCEEDED, Duration.ofSeconds(1), false, null));
    view.taskFinished(new TaskOutcome("test", TaskOutcome.Status.CANCELLED, Duration.ofMillis(2500), false, null)
        .because("the run was interrupted"));
    view.taskFinished(new TaskOutcome("deploy", TaskOutcome.Status.SKIPPED, Duration.ZERO, false, null)
        .because("needs test (cancelled)"));
    out.getBuffer().setLength(0);
    tty.redraw();
    assertThat(out.toString()).startsWith("\033[5F") // up over the 5 rows drawn before: 1 task, 3 lines, queued
        .contains("+ build ").contains("- test      2.5s  CANCELLED (the run was interrupted)")
        .contains("SKIPPED (needs test (cancelled))").doesNotContain("> four").doesNotContain("queued");
    view.runFinished(new RunReport(List.of(), false));
  }
}
