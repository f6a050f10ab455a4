package dev.kiln.executor.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.executor.SolveException;
import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.planner.ImageConfig;
import dev.kiln.planner.llb.pb.Definition;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Builds an image from a definition and publishes it to a registry. Docker's embedded BuildKit can
 * only export into Docker's image store ({@code moby} exporter), so Kiln pushes from there with
 * Docker's API; a standalone buildkitd pushes itself ({@code image} exporter, {@code push=true}).
 */
public final class ImagePublisher {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BuildkitConnection connection;

  public ImagePublisher(BuildkitConnection connection) {
    this.connection = connection;
  }

  /**
   * Builds {@code definition} with {@code config} as image {@code ref} and pushes it.
   *
   * @param sessionId the session serving the definition's local sources, or null
   * @return the pushed image's digest when the engine reports one, else the image id
   */
  public String publish(Definition definition, ImageConfig config, String ref, String sessionId,
      Consumer<StatusResponse> progress) {
    return publish(definition, config, ref, sessionId, List.of(), List.of(), progress)
        .getOrDefault("containerimage.digest", "");
  }

  /**
   * Like {@link #publish(Definition, ImageConfig, String, String, Consumer)}, importing and exporting
   * remote cache ({@code inline} embeds the cache in the published image).
   *
   * @return the exporters' response: the image digest ({@code containerimage.digest}), the exported
   *     cache's manifest ({@code cache.manifest}), ...
   */
  public Map<String, String> publish(Definition definition, ImageConfig config, String ref, String sessionId,
      List<SolveOptions.CacheEntry> cacheImports, List<SolveOptions.CacheEntry> cacheExports,
      Consumer<StatusResponse> progress) {
    boolean docker = connection.engineKind() == EngineKind.DOCKER;
    SolveOptions.Exporter exporter = docker
        ? new SolveOptions.Exporter("moby", Map.of("name", ref))
        : new SolveOptions.Exporter("image", insecureIfLocal(ref, Map.of("name", ref, "push", "true")));
    SolveOptions options = SolveOptions.none().withSession(sessionId).withExporter(exporter);
    for (SolveOptions.CacheEntry e : cacheExports) {
      options = options.withCacheExport(e);
    }
    Map<String, String> response;
    try (Gateway gw = Gateway.open(connection, options, progress)) {
      String result = gw.solve(definition, cacheImports);
      response = gw.finish(result, Map.of("containerimage.config", imageConfigJson(config)));
    }
    if (docker) {
      push(ref);
    }
    return response;
  }

  private static Map<String, String> insecureIfLocal(String ref, Map<String, String> attrs) {
    if (ref.startsWith("localhost:") || ref.startsWith("127.")) {
      var m = new HashMap<>(attrs);
      m.put("registry.insecure", "true");
      return m;
    }
    return attrs;
  }

  /** The OCI image configuration the exporter writes: Kiln's ENV, WORKDIR, USER, ENTRYPOINT, CMD. */
  static byte[] imageConfigJson(ImageConfig config) {
    ObjectNode root = JSON.createObjectNode();
    root.put("architecture", "amd64");
    root.put("os", "linux");
    ObjectNode c = root.putObject("config");
    ArrayNode env = c.putArray("Env");
    config.env().forEach(env::add);
    if (!config.entrypoint().isEmpty()) {
      ArrayNode ep = c.putArray("Entrypoint");
      config.entrypoint().forEach(ep::add);
    }
    if (!config.cmd().isEmpty()) {
      ArrayNode cmd = c.putArray("Cmd");
      config.cmd().forEach(cmd::add);
    }
    if (!config.workingDir().isEmpty()) {
      c.put("WorkingDir", config.workingDir());
    }
    if (!config.user().isEmpty()) {
      c.put("User", config.user());
    }
    root.putObject("rootfs").put("type", "layers").putArray("diff_ids");
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code POST /images/{name}/push}: Docker streams JSON lines; a failure is an {@code error} line. */
  private void push(String ref) {
    int colon = ref.lastIndexOf(':');
    boolean hasTag = colon > ref.lastIndexOf('/');
    String name = hasTag ? ref.substring(0, colon) : ref;
    String tag = hasTag ? ref.substring(colon + 1) : "latest";
    // An empty auth object: anonymous, as for the local registry. Credentials come with issue #5's Auth work.
    String auth = Base64.getUrlEncoder().encodeToString("{}".getBytes(StandardCharsets.UTF_8));
    DockerApi.Response r;
    try {
      r = DockerApi.request(connection.address(), connection.policy().answer(), "POST",
          "/images/" + name + "/push?tag=" + URLEncoder.encode(tag, StandardCharsets.UTF_8),
          "X-Registry-Auth: " + auth + "\r\n");
    } catch (IOException e) {
      throw SolveException.failed("pushing " + ref + " failed: " + e.getMessage(), null, e);
    }
    if (r.status() != 200) {
      throw SolveException.failed("pushing " + ref + " failed: HTTP " + r.status() + " " + r.body().trim(),
          "check the registry is reachable from the Docker daemon", null);
    }
    for (String line : r.body().split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonNode n = JSON.readTree(line);
        if (n.has("error")) {
          throw SolveException.failed("pushing " + ref + " failed: " + n.get("error").asText(),
              "check the registry is reachable from the Docker daemon and accepts pushes", null);
        }
      } catch (IOException e) {
        // not JSON: progress noise
      }
    }
  }
}
