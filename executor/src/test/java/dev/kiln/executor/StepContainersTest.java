package dev.kiln.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.planner.llb.Definition;
import dev.kiln.planner.llb.Exec;
import dev.kiln.planner.llb.ImageRef;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.Platform;
import dev.kiln.planner.llb.Sources;
import org.junit.jupiter.api.Test;

class StepContainersTest {
  private static final Definition TWO_STEPS = new Marshaller().marshal(
      Sources.image(ImageRef.parse("busybox:latest"), Platform.LINUX_AMD64)
          .run(Exec.of("sh", "-c", "echo one > /one")).root()
          .run(Exec.of("sh", "-c", "exit 3")).root());

  @Test
  void theStateBeforeAStepIsItsInputReturned() {
    String failed = TWO_STEPS.resultDigest();
    int index = StepContainers.indexOf(TWO_STEPS, failed).orElseThrow();
    var op = TWO_STEPS.op(index);
    assertThat(op.getExec().getMeta().getArgsList()).containsExactly("sh", "-c", "exit 3");

    Definition before = Definition.fromPb(StepContainers.upTo(TWO_STEPS, op.getInputs(0)));
    // The same ops, returning the failed step's root input: the first step's result.
    assertThat(before.digests().subList(0, before.size())).isEqualTo(TWO_STEPS.digests().subList(0, TWO_STEPS.size()));
    assertThat(before.resultDigest()).isEqualTo(op.getInputs(0).getDigest());
    assertThat(TWO_STEPS.op(TWO_STEPS.digests().indexOf(before.resultDigest())).getExec().getMeta().getArgsList())
        .containsExactly("sh", "-c", "echo one > /one");
  }

  @Test
  void aDigestNotInTheDefinitionOrItsReturnOpIsNoStep() {
    assertThat(StepContainers.indexOf(TWO_STEPS, "sha256:nothing")).isEmpty();
    assertThat(StepContainers.indexOf(TWO_STEPS, TWO_STEPS.digests().get(TWO_STEPS.size()))).isEmpty();
  }

  @Test
  void aTasksShellTakesItsLastCommandsEnvironment() {
    assertThat(TaskShell.lastCommand(TWO_STEPS).getArgsList()).containsExactly("sh", "-c", "exit 3");
    assertThat(TaskShell.lastCommand(TWO_STEPS).getCwd()).isEqualTo("/");
  }
}
