package dev.kiln.executor.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.executor.PublishedImage;
import dev.kiln.executor.SolveException;
import dev.kiln.executor.auth.DockerCredentials;
import dev.kiln.planner.llb.ImageRef;
import java.io.IOException;
import java.util.List;

/**
 * One image index (manifest list) over the images a task pushed for each platform, put at the
 * task's reference with the registry's HTTP API: neither Docker 20.10's embedded BuildKit (its
 * image store holds one platform per name) nor Docker's push API can push one.
 */
public final class ImageIndex {
  static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  private final DockerCredentials credentials;

  public ImageIndex(DockerCredentials credentials) {
    this.credentials = credentials;
  }

  /** A platform's image as pushed: {@code linux/arm64} and its pinned image. */
  public record PlatformImage(String platform, PublishedImage image) {}

  /**
   * Puts the index of {@code images} at {@code ref}.
   *
   * @return the index as published (its digest)
   * @throws SolveException if the registry refuses
   */
  public PublishedImage push(String ref, List<PlatformImage> images) {
    ImageRef r = ImageRef.parse(ref);
    RegistryApi api = new RegistryApi(r.domain(), r.path(), credentials);
    ObjectMapper json = new ObjectMapper();
    ObjectNode index = json.createObjectNode();
    ArrayNode manifests = json.createArrayNode();
    boolean oci = false;
    try {
      for (PlatformImage p : images) {
        RegistryApi.Descriptor d = api.head(p.image().digest(), DOCKER_MANIFEST, OCI_MANIFEST);
        oci |= d.mediaType().equals(OCI_MANIFEST);
        ObjectNode m = manifests.addObject();
        m.put("mediaType", d.mediaType()).put("size", d.size()).put("digest", p.image().digest());
        String[] parts = p.platform().split("/");
        ObjectNode platform = m.putObject("platform").put("architecture", parts[1]).put("os", parts[0]);
        if (parts.length > 2) {
          platform.put("variant", parts[2]);
        }
      }
      index.put("schemaVersion", 2).put("mediaType", oci ? OCI_INDEX : DOCKER_LIST).set("manifests", manifests);
      String digest = api.putManifest(r.tag().isEmpty() ? "latest" : r.tag(), oci ? OCI_INDEX : DOCKER_LIST,
          json.writeValueAsBytes(index));
      return new PublishedImage(ref, digest);
    } catch (IOException e) {
      throw SolveException.failed("pushing the image index " + ref + " failed: " + e.getMessage(),
          "check the registry is reachable from this machine and accepts pushes", e);
    }
  }

  /** The reference of one platform's image of {@code ref}: its tag suffixed, {@code app:1.0-linux-arm64}. */
  public static String platformRef(String ref, String platform) {
    ImageRef r = ImageRef.parse(ref);
    String tag = (r.tag().isEmpty() ? "latest" : r.tag()) + "-" + platform.replace('/', '-');
    return r.domain() + "/" + r.path() + ":" + tag;
  }
}
