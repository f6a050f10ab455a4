package dev.kiln.executor.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** Docker configuration files for the auth tests. */
final class DockerConfigs {
  private DockerConfigs() {}

  /** Writes {@code json} as {@code dir/config.json}. */
  static Path write(Path dir, String json) throws IOException {
    return Files.writeString(dir.resolve("config.json"), json);
  }

  /** Base64 of {@code s}, as {@code auths} entries hold {@code user:password}. */
  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
