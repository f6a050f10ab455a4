package dev.kiln.executor;

import dev.kiln.model.Task;
import java.util.Map;
import java.util.Objects;

/**
 * An image a task pushed: the reference it was pushed as and the digest of the manifest the
 * registry now holds for it.
 *
 * @param ref the reference as the pipeline names it, e.g. {@code 127.0.0.1:5000/app:1.0}
 * @param digest the manifest digest, {@code sha256:...}
 */
public record PublishedImage(String ref, String digest) {
  public PublishedImage {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(digest, "digest");
  }

  /** {@code ref@digest}: the reference that deploys exactly this image. */
  public String pinned() {
    return digest.isEmpty() ? ref : ref + "@" + digest;
  }

  /** The task results it gives: {@code digest} and {@code ref} (pinned). */
  public Map<String, String> results() {
    return Map.of(Task.DIGEST_RESULT, digest, Task.REF_RESULT, pinned());
  }
}
