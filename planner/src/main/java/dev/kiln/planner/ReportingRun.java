package dev.kiln.planner;

import dev.kiln.model.Container;
import dev.kiln.model.ContainerOp;
import java.util.ArrayList;
import java.util.List;

/**
 * A task's run with reports to collect: its last command runs through {@code /bin/sh}, which keeps
 * the exit code in a file and exits 0, so the state after it (holding the reports, whatever the
 * tests did) can be solved; a last step exits with the kept code, so the task still fails when the
 * command did. The kept code is part of the command's cached result: a run whose tests failed and
 * whose inputs did not change fails again from the cache, without running them.
 *
 * @param tested the run up to and including the wrapped command: where the reports are
 * @param gate the command that exits with the wrapped command's code
 */
record ReportingRun(Container tested, List<String> gate) {
  /** Where the wrapped command's exit code is kept; {@code /tmp} is writable for any user. */
  static final String EXIT_FILE = "/tmp/.kiln-exit-code";

  /**
   * {@code run} with its last command wrapped.
   *
   * @throws IllegalArgumentException when {@code run} has no command
   */
  static ReportingRun of(Container run) {
    List<ContainerOp> ops = new ArrayList<>(run.ops());
    int last = -1;
    for (int i = 0; i < ops.size(); i++) {
      if (ops.get(i) instanceof ContainerOp.Exec) {
        last = i;
      }
    }
    if (last < 0) {
      throw new IllegalArgumentException("no command");
    }
    ContainerOp.Exec e = (ContainerOp.Exec) ops.get(last);
    if (e.useEntrypoint()) {
      // The lowering puts the image's entrypoint first, which the model does not know.
      throw new IllegalArgumentException("uses the image's entrypoint");
    }
    var args = new ArrayList<>(List.of("/bin/sh", "-c", "\"$@\"; echo $? > " + EXIT_FILE, "kiln-reports"));
    args.addAll(e.args());
    ops.set(last, new ContainerOp.Exec(args, false));
    return new ReportingRun(new Container(run.image(), run.platform(), ops, run.build()),
        List.of("/bin/sh", "-c", "exit \"$(cat " + EXIT_FILE + ")\""));
  }
}
