package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The engine the CLI's end-to-end tests use: fail without it in CI, skip without it elsewhere. */
final class DockerEngine {
  private DockerEngine() {}

  static void require() {
    if (!Files.exists(Path.of("/var/run/docker.sock"))) {
      String why = "no Docker daemon at /var/run/docker.sock (start one with: sudo scripts/engine-up.sh)";
      if ("true".equals(System.getenv("CI"))) {
        fail(why);
      }
      assumeTrue(false, why);
    }
  }
}
