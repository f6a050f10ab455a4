package dev.kiln.executor.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.executor.PublishedImage;
import dev.kiln.executor.SolveException;
import dev.kiln.executor.auth.DockerCredentials;
import dev.kiln.executor.auth.RegistryAuthFailure;
import dev.kiln.executor.auth.RegistryCredential;
import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.planner.ImageConfig;
import dev.kiln.planner.llb.ImageRef;
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
 * Docker's API, handing it the registry's credential in {@code X-Registry-Auth}; a standalone
 * buildkitd pushes itself ({@code image} exporter, {@code push=true}) and asks the session's auth
 * service for the credential.
 */
public final class ImagePublisher {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BuildkitConnection connection;
  private final DockerCredentials credentials;

  /** A publisher that pushes with the credentials Docker's configuration has for each registry. */
  public ImagePublisher(BuildkitConnection connection, DockerCredentials credentials) {
    this.connection = connection;
    this.credentials = credentials;
  }

  /** The image pushed and the exporters' response. */
  public record Publication(PublishedImage image, Map<String, String> exporterResponse) {}

  /**
   * Builds {@code definition} with {@code config} as image {@code ref} and pushes it.
   *
   * @param sessionId the session serving the definition's local sources, or null
   */
  public PublishedImage publish(Definition definition, ImageConfig config, String ref, String sessionId,
      Consumer<StatusResponse> progress) {
    return publish(definition, config, ref, "", sessionId, List.of(), List.of(), progress).image();
  }

  /**
   * Like {@link #publish(Definition, ImageConfig, String, String, Consumer)}, importing and exporting
   * remote cache ({@code inline} embeds the cache in the published image).
   *
   * @param platform the platform ({@code linux/arm64}) the definition is built for, written into the
   *     image's configuration; empty for the engine's own
   * @return the image and the exporters' response (the exported cache's manifest, {@code cache.manifest}, ...)
   * @throws SolveException if the build fails, or the registry refuses the push (saying whether it
   *     refused the credential or asked for one Kiln did not have)
   */
  public Publication publish(Definition definition, ImageConfig config, String ref, String platform, String sessionId,
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
    String registry = ImageRef.parse(ref).domain();
    Map<String, String> response;
    try (Gateway gw = Gateway.open(connection, options, progress, credentials)) {
      String result = gw.solve(definition, cacheImports);
      response = gw.finish(result, Map.of("containerimage.config", imageConfigJson(config, platform)));
    }
    String digest = docker ? push(ref, registry) : response.getOrDefault("containerimage.digest", "");
    return new Publication(new PublishedImage(ref, digest), response);
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
  static byte[] imageConfigJson(ImageConfig config, String platform) {
    ObjectNode root = JSON.createObjectNode();
    String[] parts = platform.isEmpty() ? new String[] {"linux", "amd64"} : platform.split("/");
    root.put("architecture", parts[1]);
    root.put("os", parts[0]);
    if (parts.length > 2) {
      root.put("variant", parts[2]);
    }
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

  /**
   * {@code POST /images/{name}/push} with the registry's credential: Docker streams JSON lines, a
   * failure is an {@code error} line, and the pushed manifest's digest comes in an {@code aux} line.
   *
   * @return the manifest digest
   */
  private String push(String ref, String registry) {
    int colon = ref.lastIndexOf(':');
    boolean hasTag = colon > ref.lastIndexOf('/');
    String name = hasTag ? ref.substring(0, colon) : ref;
    String tag = hasTag ? ref.substring(colon + 1) : "latest";
    DockerApi.Response r;
    try {
      r = DockerApi.request(connection.address(), connection.policy().answer(), "POST",
          "/images/" + name + "/push?tag=" + URLEncoder.encode(tag, StandardCharsets.UTF_8),
          "X-Registry-Auth: " + registryAuth(registry) + "\r\n");
    } catch (IOException e) {
      throw SolveException.failed("pushing " + ref + " failed: " + e.getMessage(), null, e);
    }
    if (r.status() != 200) {
      throw SolveException.failed("pushing " + ref + " failed: HTTP " + r.status() + " " + r.body().trim(),
          "check the registry is reachable from the Docker daemon", null);
    }
    String digest = "";
    for (String line : r.body().split("\n")) {
      JsonNode n;
      try {
        n = line.isBlank() ? null : JSON.readTree(line);
      } catch (IOException e) {
        continue; // not JSON: progress noise
      }
      if (n == null) {
        continue;
      }
      if (n.has("error")) {
        // Docker's API, not BuildKit's: the push's own words say whether the registry turned it down.
        String error = n.get("error").asText();
        throw RegistryAuthFailure.in(error, registry, credentials)
            .map(a -> SolveException.failed("pushing " + ref + " failed: " + a.message(), a.hint(), null))
            .orElseGet(() -> SolveException.failed("pushing " + ref + " failed: " + error,
                "check the registry is reachable from the Docker daemon and accepts pushes", null));
      }
      if (n.path("aux").hasNonNull("Digest")) {
        digest = n.path("aux").path("Digest").asText();
      }
    }
    return digest;
  }

  /**
   * Docker's {@code X-Registry-Auth}: base64url of the JSON of the registry's credential (user name
   * and password, or identity token) and its server address; {@code {}} for anonymous.
   */
  String registryAuth(String registry) {
    ObjectNode auth = JSON.createObjectNode();
    credentials.lookup(registry).ifPresent(c -> {
      if (c instanceof RegistryCredential.Password p) {
        auth.put("username", p.username());
        auth.put("password", p.secret());
      } else {
        auth.put("identitytoken", c.secret());
      }
      auth.put("serveraddress", DockerCredentials.serverAddress(registry));
    });
    return Base64.getUrlEncoder().encodeToString(auth.toString().getBytes(StandardCharsets.UTF_8));
  }
}
