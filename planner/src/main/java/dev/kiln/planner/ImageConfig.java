package dev.kiln.planner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
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

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Reads the OCI image configuration JSON that {@code ResolveImageConfig} returns (its
   * {@code config} object: {@code Env}, {@code WorkingDir}, {@code User}, {@code Entrypoint},
   * {@code Cmd}; absent fields are empty).
   *
   * @param digest the manifest digest the reference resolved to, or empty
   * @throws IllegalArgumentException if {@code json} is not an image configuration
   */
  public static ImageConfig fromOciJson(byte[] json, String digest) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not an image configuration: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not an image configuration: expected a JSON object");
    }
    JsonNode config = root.path("config");
    return new ImageConfig(strings(config.path("Env")), config.path("WorkingDir").asText(""),
        config.path("User").asText(""), strings(config.path("Entrypoint")),
        strings(config.path("Cmd")), digest);
  }

  private static List<String> strings(JsonNode array) {
    var out = new ArrayList<String>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
