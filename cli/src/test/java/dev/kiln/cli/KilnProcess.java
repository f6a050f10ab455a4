package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Runs {@code kiln} as its own process, as users run it, with an environment the test chooses. */
final class KilnProcess {
  private KilnProcess() {}

  /** What one {@code kiln} process did. */
  record Run(int code, String out, String err) {
    String all() {
      return out + err;
    }
  }

  /**
   * Runs {@code kiln args} in {@code dir} (its output is kept in {@code dir/out.txt} and
   * {@code dir/err.txt}), with the test's environment as {@code env} changes it; at most 5 minutes.
   */
  static Run run(Path dir, Consumer<Map<String, String>> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    env.accept(pb.environment());
    pb.redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("kiln %s timed out", List.of(args)).isTrue();
    return new Run(p.exitValue(), Files.readString(dir.resolve("out.txt")), Files.readString(dir.resolve("err.txt")));
  }
}
