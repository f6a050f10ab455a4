package dev.kiln.planner.llb;

/**
 * The result of {@link LlbState#run}: the exec's root filesystem as a state, and its other
 * writable mounts by destination.
 */
public record ExecState(ExecOp op, LlbState before) {
  /** The root filesystem after the exec, with the env, cwd and user it ran with. */
  public LlbState root() {
    return before.withOutput(new Output(op, op.outputIndex("/")));
  }

  /** The writable bind mount at {@code dest} after the exec. */
  public LlbState mount(String dest) {
    return before.withOutput(new Output(op, op.outputIndex(dest)));
  }
}
