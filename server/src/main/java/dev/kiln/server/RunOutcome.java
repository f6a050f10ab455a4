package dev.kiln.server;

/**
 * How a run on the engine ended.
 *
 * @param exitCode {@code kiln run}'s: 0 ok, 1 a task failed, 2 invalid pipeline, 3 engine unreachable, 130 cancelled
 * @param message a masked summary for people
 */
public record RunOutcome(int exitCode, String message) {
  public static final int OK = 0;
  public static final int TASK_FAILED = 1;
  public static final int INVALID = 2;
  public static final int ENGINE_UNREACHABLE = 3;
  public static final int KILN_BUG = 70;
  public static final int CANCELLED = 130;

  /** The history's status for this outcome. */
  RunStatus status() {
    return switch (exitCode) {
      case OK -> RunStatus.SUCCEEDED;
      case TASK_FAILED -> RunStatus.FAILED;
      case CANCELLED -> RunStatus.CANCELLED;
      default -> RunStatus.ERROR;
    };
  }
}
