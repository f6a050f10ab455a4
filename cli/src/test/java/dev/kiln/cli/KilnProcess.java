package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Kiln's command line in a JVM of its own, as users and the launcher run it, with an environment
 * the test chooses: for what an in-process run cannot show (a signal, two runs at once, a run that
 * leaves processes behind, the process's own environment). Output goes to files in the working
 * directory: {@code .out} and {@code .err}.
 */
final class KilnProcess {
  /** How a run ended and what it printed. */
  record Result(int exit, String out, String err) {
    /** Both outputs, standard output first. */
    String all() {
      return out + err;
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
  }

  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private KilnProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Starts {@code kiln args} in {@code dir}, with {@code env} added to the environment. */
  static KilnProcess start(Path dir, Map<String, String> env, String... args) throws IOException {
    return start(dir, e -> e.putAll(env), args);
  }

  private static KilnProcess start(Path dir, Consumer<Map<String, String>> env, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    DockerEngine.pointAtEngine(pb.environment());
    env.accept(pb.environment());
    Path stdout = dir.resolve(".out");
    Path stderr = dir.resolve(".err");
    Process p = pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    p.getOutputStream().close();
    return new KilnProcess(p, stdout, stderr);
  }

  /**
   * Runs {@code kiln args} in {@code dir} to its end, with the test's environment as {@code env}
   * changes it; at most 5 minutes.
   */
  static Result run(Path dir, Consumer<Map<String, String>> env, String... args) throws Exception {
    KilnProcess p = start(dir, env, args);
    assertThat(p.process.waitFor(5, TimeUnit.MINUTES)).as("kiln %s timed out", List.of(args)).isTrue();
    return p.finish(1);
  }

  /** What it printed on standard output so far. */
  String outSoFar() throws IOException {
    return Files.readString(stdout);
  }

  /** Sends SIGINT, as Ctrl-C in a terminal does. */
  void interrupt() throws Exception {
    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AssertionError("kill -INT " + process.pid() + " failed");
    }
  }

  /** Kills it at once (SIGKILL): nothing of Kiln's own runs after, no shutdown hook either. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("kiln " + process.pid() + " outlived SIGKILL");
    }
  }

  /** Waits for it to end, at most {@code minutes}. */
  Result finish(int minutes) throws Exception {
    if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("kiln did not finish in " + minutes + " minutes");
    }
    return new Result(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
  }
}
