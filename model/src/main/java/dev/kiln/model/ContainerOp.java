package dev.kiln.model;

import java.util.List;

/** One operation of a {@link Container}; paths may be relative to the working directory. */
public sealed interface ContainerOp {
  /** Runs {@code args} (after the entrypoint when {@code useEntrypoint}). */
  record Exec(List<String> args, boolean useEntrypoint) implements ContainerOp {
    public Exec {
      args = List.copyOf(args);
    }
  }

  /** Sets an environment variable. */
  record WithEnv(String name, String value) implements ContainerOp {}

  /** Unsets an environment variable. */
  record WithoutEnv(String name) implements ContainerOp {}

  /** Sets the working directory. */
  record WithWorkdir(String path) implements ContainerOp {}

  /** Sets the user. */
  record WithUser(String user) implements ContainerOp {}

  /** Sets the entrypoint (image config; used by execs that ask for it). */
  record WithEntrypoint(List<String> args) implements ContainerOp {
    public WithEntrypoint {
      args = List.copyOf(args);
    }
  }

  /** Sets the default arguments (image config CMD). */
  record WithDefaultArgs(List<String> args) implements ContainerOp {
    public WithDefaultArgs {
      args = List.copyOf(args);
    }
  }

  /**
   * Copies {@code source} into {@code path}, filtered by .dockerignore-style patterns.
   *
   * @param owner {@code user[:group]} or empty
   */
  record WithDirectory(String path, Directory source, List<String> include, List<String> exclude, String owner)
      implements ContainerOp {
    public WithDirectory {
      include = List.copyOf(include);
      exclude = List.copyOf(exclude);
    }
  }

  /**
   * Copies {@code file} to {@code path}.
   *
   * @param permissions POSIX mode, or -1 to keep the file's
   */
  record WithFile(String path, File file, int permissions, String owner) implements ContainerOp {}

  /**
   * Writes {@code contents} to {@code path}, creating parent directories.
   *
   * @param permissions POSIX mode, e.g. 0644
   */
  record WithNewFile(String path, String contents, int permissions, String owner) implements ContainerOp {}

  /** Removes {@code path} (no error when it does not exist). */
  record WithoutPath(String path) implements ContainerOp {}

  /** Mounts a cache volume at {@code path} for every later exec. */
  record WithMountedCache(String path, CacheVolume cache, Sharing sharing) implements ContainerOp {}

  /** Mounts a secret as a file at {@code path} for every later exec. */
  record WithMountedSecret(String path, Secret secret) implements ContainerOp {}

  /** Mounts a directory, read-only, at {@code path} for every later exec. */
  record WithMountedDirectory(String path, Directory source) implements ContainerOp {}

  /** Mounts a tmpfs at {@code path} for every later exec. */
  record WithMountedTemp(String path) implements ContainerOp {}

  /** Removes the mount at {@code path}. */
  record WithoutMount(String path) implements ContainerOp {}

  /** Exposes a secret as the environment variable {@code name} to every later exec. */
  record WithSecretVariable(String name, Secret secret) implements ContainerOp {}

  /** Makes {@code service} reachable as {@code hostname} from every later exec. */
  record WithServiceBinding(String hostname, Service service) implements ContainerOp {}

  /** How concurrent execs share a cache volume. */
  enum Sharing {
    SHARED,
    PRIVATE,
    LOCKED
  }
}
