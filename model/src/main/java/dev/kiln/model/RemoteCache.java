package dev.kiln.model;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A remote layer cache a run imports before solving or exports after: an image in a registry, a
 * directory in OCI layout, or the metadata inline in published images. Made by the evaluator from
 * the pipeline's {@code cache} block and by the CLI from {@code --cache-from}/{@code --cache-to};
 * {@link #parse} reads buildx syntax. The executor turns it into the engine's attributes.
 */
public sealed interface RemoteCache
    permits RemoteCache.Registry, RemoteCache.Local, RemoteCache.Inline, RemoteCache.Other {

  /** Where the pipeline declares this cache, or null when it came from the command line. */
  SourceLocation location();

  /** This cache with a relative directory made absolute against {@code base}; others as they are. */
  default RemoteCache resolve(Path base) {
    return this;
  }

  /**
   * Parses buildx syntax: {@code type=registry,ref=host/repo:tag,mode=max}, {@code type=inline},
   * {@code type=local,src=DIR} (imports) or {@code type=local,dest=DIR} (exports); a bare reference
   * means {@code type=registry,ref=...}.
   *
   * @param location where {@code text} is written, or null for a command-line flag
   * @throws PipelineException when {@code text} is not a valid cache for {@code direction}
   */
  static RemoteCache parse(String text, Direction direction, SourceLocation location) {
    return BuildxCacheSyntax.parse(text, direction, location);
  }

  /** Whether a cache is read before solving or written after. */
  enum Direction {
    IMPORT,
    EXPORT
  }

  /** For exports: {@code MIN} caches the layers of the results only, {@code MAX} every intermediate step too. */
  enum Mode {
    MIN,
    MAX;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A cache kept as an image in a registry ({@code type=registry}).
   *
   * @param ref the cache image's reference
   * @param attributes further attributes for the engine, as written (e.g. {@code compression=zstd})
   */
  record Registry(String ref, Mode mode, Map<String, String> attributes, SourceLocation location)
      implements RemoteCache {
    public Registry {
      Objects.requireNonNull(ref, "ref");
      Objects.requireNonNull(mode, "mode");
      attributes = further(attributes, Set.of("type", "ref", "mode"));
    }

    /** The registry cache {@code ref}, written nowhere in particular. */
    public Registry(String ref, Mode mode) {
      this(ref, mode, Map.of(), null);
    }

    /** This cache kept under another reference (a share of it). */
    public Registry withRef(String ref) {
      return new Registry(ref, mode, attributes, location);
    }
  }

  /**
   * A cache kept in a directory of this machine, in OCI layout ({@code type=local}).
   *
   * @param dir the directory: relative to the project root, or absolute
   * @param tag the name its manifests are listed under in {@code index.json}
   * @param digest the manifest to import, once read from {@code index.json}; null until then
   * @param attributes further attributes for the engine, as written
   */
  record Local(Path dir, String tag, String digest, Mode mode, Map<String, String> attributes,
      SourceLocation location) implements RemoteCache {
    /** The tag buildx and BuildKit use when none is given. */
    public static final String DEFAULT_TAG = "latest";

    public Local {
      Objects.requireNonNull(dir, "dir");
      Objects.requireNonNull(tag, "tag");
      Objects.requireNonNull(mode, "mode");
      attributes = further(attributes, Set.of("type", "src", "dest", "tag", "digest", "mode"));
    }

    /** The local cache in {@code dir} under the default tag. */
    public Local(Path dir) {
      this(dir, DEFAULT_TAG, null, Mode.MIN, Map.of(), null);
    }

    @Override
    public Local resolve(Path base) {
      return new Local(base.resolve(dir).toAbsolutePath().normalize(), tag, digest, mode, attributes, location);
    }

    /** This cache importing the manifest {@code digest}. */
    public Local withDigest(String digest) {
      return new Local(dir, tag, digest, mode, attributes, location);
    }
  }

  /** The cache metadata stored in the images that tasks publish ({@code type=inline}, exports only). */
  record Inline(SourceLocation location) implements RemoteCache {}

  /**
   * A cache backend Kiln passes through as written ({@code gha}, {@code s3}, {@code azblob}...):
   * whether the engine has it is checked before a run.
   */
  record Other(String type, Map<String, String> attributes, SourceLocation location) implements RemoteCache {
    public Other {
      Objects.requireNonNull(type, "type");
      attributes = further(attributes, Set.of("type"));
    }
  }

  /** A sorted copy of {@code attributes}, which must not repeat what the record's components say. */
  private static Map<String, String> further(Map<String, String> attributes, Set<String> typed) {
    for (String key : attributes.keySet()) {
      if (typed.contains(key)) {
        throw new IllegalArgumentException("attribute " + key + " has its own component");
      }
    }
    return Collections.unmodifiableMap(new TreeMap<>(attributes));
  }
}
