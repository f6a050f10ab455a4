package dev.kiln.planner.llb;

/** Factories for {@link Mount}s. */
public final class Mounts {
  private Mounts() {}

  /** {@code state}'s filesystem, writable, at {@code dest}; its result is an exec output. */
  public static Mount bind(String dest, LlbState state) {
    return new Mount.Bind(dest, state.output(), "", false);
  }

  /** {@code state}'s filesystem, read-only, at {@code dest}. */
  public static Mount readonly(String dest, LlbState state) {
    return new Mount.Bind(dest, state.output(), "", true);
  }

  /** A subpath {@code selector} of {@code state}, read-only, at {@code dest}. */
  public static Mount readonly(String dest, LlbState state, String selector) {
    return new Mount.Bind(dest, state.output(), selector, true);
  }

  /** A shared cache volume {@code id} at {@code dest}. */
  public static Mount cache(String dest, String id) {
    return new Mount.Cache(dest, id, Mount.Sharing.SHARED, null);
  }

  /** A cache volume {@code id} at {@code dest} with the given sharing mode. */
  public static Mount cache(String dest, String id, Mount.Sharing sharing) {
    return new Mount.Cache(dest, id, sharing, null);
  }

  /** Secret {@code id} as a root-owned file readable by its owner only (mode 0400). */
  public static Mount secret(String dest, String id) {
    return new Mount.Secret(dest, id, 0, 0, 0400, false);
  }

  /** A tmpfs of the engine's default size. */
  public static Mount tmpfs(String dest) {
    return new Mount.Tmpfs(dest, 0);
  }
}
