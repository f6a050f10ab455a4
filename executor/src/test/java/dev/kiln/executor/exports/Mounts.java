package dev.kiln.executor.exports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Small tmpfs mounts for tests of what a file system refuses (a full disk, a busy mount point); skipped where mounting is not allowed. */
final class Mounts {
  private Mounts() {}

  static void tmpfs(Path dir, String... options) throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "mounting needs root");
    String opts = options.length == 0 ? "size=1m" : String.join(",", options);
    // Root in an unprivileged container (Kiln's own pipeline runs these tests in one) may not mount.
    assumeTrue(run("mount", "-t", "tmpfs", "-o", opts, "tmpfs", dir.toString()) == 0,
        "mounting a tmpfs needs root with CAP_SYS_ADMIN, which this process lacks");
  }

  static void unmount(Path dir) throws Exception {
    run("umount", "-l", dir.toString());
  }

  private static int run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }
}
