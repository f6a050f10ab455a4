package dev.kiln.executor.engine;

import java.util.Objects;

/** One mount of a {@link GatewayContainer}: a solved result, a cache volume, a secret file or a tmpfs. */
public sealed interface ContainerMount {
  /** Where the mount appears in the container. */
  String dest();

  /**
   * A solved result (a gateway Solve's ref id, or one the engine registered for a failed step)
   * mounted at {@code dest}; an empty {@code resultId} is an empty directory. Writes stay in the
   * container: they never become a result.
   *
   * @param selector the result's subdirectory to mount (empty for all of it)
   */
  record Result(String dest, String resultId, String selector, boolean readonly) implements ContainerMount {
    public Result {
      Objects.requireNonNull(dest, "dest");
      Objects.requireNonNull(resultId, "resultId");
      Objects.requireNonNull(selector, "selector");
    }
  }

  /** A cache volume, the same one a step with the same {@code id} mounts. */
  record Cache(String dest, String id, Sharing sharing) implements ContainerMount {
    public Cache {
      Objects.requireNonNull(dest, "dest");
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(sharing, "sharing");
    }
  }

  /** A secret as a file, served by the build's session under {@code id}; {@code mode} is octal-like POSIX bits. */
  record Secret(String dest, String id, int uid, int gid, int mode, boolean optional) implements ContainerMount {
    public Secret {
      Objects.requireNonNull(dest, "dest");
      Objects.requireNonNull(id, "id");
    }
  }

  /** An empty in-memory file system. */
  record Tmpfs(String dest) implements ContainerMount {
    public Tmpfs {
      Objects.requireNonNull(dest, "dest");
    }
  }

  /** How concurrent users share a cache volume (BuildKit's CacheSharingOpt). */
  enum Sharing { SHARED, PRIVATE, LOCKED }
}
