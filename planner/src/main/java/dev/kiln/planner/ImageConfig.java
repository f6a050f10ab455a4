package dev.kiln.planner;

import java.util.List;
import java.util.Objects;

/**
 * The parts of an OCI image configuration Kiln applies itself (BuildKit does not): environment,
 * working directory, user, entrypoint and command, plus the manifest digest the reference
 * resolved to, which pins the image source.
 *
 * @param env {@code K=V} entries, in image order
 * @param workingDir working directory, or empty for {@code /}
 * @param user user, or empty for root
 * @param entrypoint the entrypoint, possibly empty
 * @param cmd the default command, possibly empty
 * @param digest {@code sha256:...} the reference resolved to, or empty when unknown
 */
public record ImageConfig(
    List<String> env, String workingDir, String user, List<String> entrypoint, List<String> cmd,
    String digest) {
  /** An image that sets nothing (like {@code scratch}). */
  public static final ImageConfig EMPTY = new ImageConfig(List.of(), "", "", List.of(), List.of(), "");

  public ImageConfig {
    env = List.copyOf(env);
    Objects.requireNonNull(workingDir, "workingDir");
    Objects.requireNonNull(user, "user");
    entrypoint = List.copyOf(entrypoint);
    cmd = List.copyOf(cmd);
    Objects.requireNonNull(digest, "digest");
  }
}
