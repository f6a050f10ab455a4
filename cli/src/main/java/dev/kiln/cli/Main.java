package dev.kiln.cli;

/** Entry point of the {@code kiln} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    LibraryLogs.silence();
    Thread.setDefaultUncaughtExceptionHandler(Main::uncaught);
    int code;
    try {
      code = Kiln.commandLine(args).execute(args);
    } catch (Throwable t) { // what escaped the command line's own handlers (it handles a command's failures)
      System.err.println(ErrorRenderer.internal(t));
      code = ExitCodes.KILN_BUG;
    }
    System.exit(code);
  }

  /**
   * A failure no code of Kiln's caught, on some thread: one line, never the JVM's trace. After an
   * Error (the heap or a stack ran out) the process cannot be trusted to finish: exit 70.
   */
  private static void uncaught(Thread thread, Throwable t) {
    System.err.println(ErrorRenderer.internal(t) + " (thread " + thread.getName() + ")");
    if (t instanceof Error && !(t instanceof ThreadDeath)) {
      System.exit(ExitCodes.KILN_BUG);
    }
  }
}
