package dev.kiln.planner.llb;

import java.util.Objects;

/** A filesystem mounted into an exec; build one with {@link Mounts}. */
public sealed interface Mount permits Mount.Bind, Mount.Cache, Mount.Secret, Mount.Tmpfs {
  /** The absolute path in the container. */
  String dest();

  /**
   * An output (or scratch, when {@code source} is null) bind-mounted at {@code dest}; writable
   * binds become outputs of the exec.
   *
   * @param selector subpath of the source to mount, or empty for its root
   */
  record Bind(String dest, Output source, String selector, boolean readonly) implements Mount {
    public Bind {
      requireAbsolute(dest);
      Objects.requireNonNull(selector, "selector");
    }
  }

  /**
   * A persistent cache directory shared across runs by {@code id}.
   *
   * @param base initial content, or null for empty
   */
  record Cache(String dest, String id, Sharing sharing, Output base) implements Mount {
    public Cache {
      requireAbsolute(dest);
      if (id.isEmpty()) {
        throw new IllegalArgumentException("a cache mount needs an id");
      }
      Objects.requireNonNull(sharing, "sharing");
    }
  }

  /**
   * A secret file served by the client's session; only its {@code id} (a name) is in the LLB.
   *
   * @param mode POSIX file mode, e.g. 0400
   */
  record Secret(String dest, String id, int uid, int gid, int mode, boolean optional)
      implements Mount {
    public Secret {
      requireAbsolute(dest);
      if (id.isEmpty()) {
        throw new IllegalArgumentException("a secret mount needs an id");
      }
    }
  }

  /**
   * An in-memory filesystem.
   *
   * @param sizeBytes limit in bytes, or 0 for the engine's default
   */
  record Tmpfs(String dest, long sizeBytes) implements Mount {
    public Tmpfs {
      requireAbsolute(dest);
      if (sizeBytes < 0) {
        throw new IllegalArgumentException("tmpfs size must be >= 0: " + sizeBytes);
      }
    }
  }

  /** How concurrent execs share a cache mount. */
  enum Sharing {
    SHARED,
    PRIVATE,
    LOCKED
  }

  private static void requireAbsolute(String dest) {
    if (!dest.startsWith("/")) {
      throw new IllegalArgumentException("mount destination must be absolute: " + dest);
    }
  }
}
