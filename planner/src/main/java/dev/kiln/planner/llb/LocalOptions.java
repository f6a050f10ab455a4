package dev.kiln.planner.llb;

import java.util.List;
import java.util.Objects;

/**
 * What a {@code local://} source sends: the client filters with these .dockerignore-style
 * patterns, so files outside them are neither transferred nor part of the content's cache key.
 *
 * @param includePatterns only these paths (empty: everything)
 * @param excludePatterns never these paths
 * @param followPaths symlinks to resolve and include with their targets
 * @param sharedKeyHint key for the daemon's incremental-transfer snapshot, or empty
 */
public record LocalOptions(
    List<String> includePatterns, List<String> excludePatterns, List<String> followPaths,
    String sharedKeyHint) {
  /** No filtering and no hint. */
  public static final LocalOptions NONE = new LocalOptions(List.of(), List.of(), List.of(), "");

  public LocalOptions {
    includePatterns = List.copyOf(includePatterns);
    excludePatterns = List.copyOf(excludePatterns);
    followPaths = List.copyOf(followPaths);
    Objects.requireNonNull(sharedKeyHint, "sharedKeyHint");
  }

  /** These options with {@code patterns} as the include patterns. */
  public LocalOptions withIncludePatterns(List<String> patterns) {
    return new LocalOptions(patterns, excludePatterns, followPaths, sharedKeyHint);
  }

  /** These options with {@code patterns} as the exclude patterns. */
  public LocalOptions withExcludePatterns(List<String> patterns) {
    return new LocalOptions(includePatterns, patterns, followPaths, sharedKeyHint);
  }

  /** These options with {@code paths} as the follow paths. */
  public LocalOptions withFollowPaths(List<String> paths) {
    return new LocalOptions(includePatterns, excludePatterns, paths, sharedKeyHint);
  }

  /** These options with the shared key hint {@code hint}. */
  public LocalOptions withSharedKeyHint(String hint) {
    return new LocalOptions(includePatterns, excludePatterns, followPaths, hint);
  }
}
