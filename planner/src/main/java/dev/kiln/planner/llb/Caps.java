package dev.kiln.planner.llb;

import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * LLB capability IDs (BuildKit {@code solver/pb/caps.go}) that Kiln declares, and the BuildKit
 * release that introduced the ones newer than v0.8 (Docker 20.10's embedded BuildKit).
 */
public final class Caps {
  public static final String SOURCE_IMAGE = "source.image";
  public static final String SOURCE_IMAGE_RESOLVE_MODE = "source.image.resolvemode";
  public static final String SOURCE_LOCAL = "source.local";
  public static final String SOURCE_LOCAL_UNIQUE = "source.local.unique";
  public static final String SOURCE_LOCAL_SESSION_ID = "source.local.sessionid";
  public static final String SOURCE_LOCAL_INCLUDE_PATTERNS = "source.local.includepatterns";
  public static final String SOURCE_LOCAL_EXCLUDE_PATTERNS = "source.local.excludepatterns";
  public static final String SOURCE_LOCAL_FOLLOW_PATHS = "source.local.followpaths";
  public static final String SOURCE_LOCAL_SHARED_KEY_HINT = "source.local.sharedkeyhint";
  public static final String EXEC_META_BASE = "exec.meta.base";
  public static final String EXEC_META_NETWORK = "exec.meta.network";
  public static final String EXEC_META_SECURITY = "exec.meta.security";
  public static final String EXEC_MOUNT_BIND = "exec.mount.bind";
  public static final String EXEC_MOUNT_CACHE = "exec.mount.cache";
  public static final String EXEC_MOUNT_CACHE_SHARING = "exec.mount.cache.sharing";
  public static final String EXEC_MOUNT_SELECTOR = "exec.mount.selector";
  public static final String EXEC_MOUNT_TMPFS = "exec.mount.tmpfs";
  public static final String EXEC_MOUNT_TMPFS_SIZE = "exec.mount.tmpfs.size";
  public static final String EXEC_MOUNT_SECRET = "exec.mount.secret";
  public static final String EXEC_SECRET_ENV = "exec.secretenv";
  public static final String EXEC_VALID_EXIT_CODE = "exec.validexitcode";
  public static final String FILE_BASE = "file.base";
  public static final String FILE_COPY_INCLUDE_EXCLUDE_PATTERNS = "file.copy.includeexcludepatterns";
  public static final String CONSTRAINTS = "constraints";
  public static final String PLATFORM = "platform";
  public static final String META_DESCRIPTION = "meta.description";
  public static final String MERGE_OP = "mergeop";
  public static final String DIFF_OP = "diffop";

  /** Caps that BuildKit v0.8 (Docker 20.10) already has, among those Kiln can declare. */
  public static final Set<String> BUILDKIT_V0_8 =
      Set.of(
          SOURCE_IMAGE, SOURCE_IMAGE_RESOLVE_MODE, SOURCE_LOCAL, SOURCE_LOCAL_UNIQUE,
          SOURCE_LOCAL_SESSION_ID, SOURCE_LOCAL_INCLUDE_PATTERNS, SOURCE_LOCAL_EXCLUDE_PATTERNS,
          SOURCE_LOCAL_FOLLOW_PATHS, SOURCE_LOCAL_SHARED_KEY_HINT, EXEC_META_BASE,
          EXEC_META_NETWORK, EXEC_META_SECURITY, EXEC_MOUNT_BIND, EXEC_MOUNT_CACHE,
          EXEC_MOUNT_CACHE_SHARING, EXEC_MOUNT_SELECTOR, EXEC_MOUNT_TMPFS, EXEC_MOUNT_SECRET,
          FILE_BASE, CONSTRAINTS, PLATFORM, META_DESCRIPTION);

  // From BuildKit's caps.go history (each cap's first release).
  private static final Map<String, String> ADDED_AFTER_V0_8 =
      Map.of(
          FILE_COPY_INCLUDE_EXCLUDE_PATTERNS, "v0.9",
          MERGE_OP, "v0.10",
          DIFF_OP, "v0.10",
          EXEC_SECRET_ENV, "v0.10",
          EXEC_MOUNT_TMPFS_SIZE, "v0.10",
          EXEC_VALID_EXIT_CODE, "v0.17");

  /** Every cap Kiln can declare; what a current BuildKit supports. */
  public static final Set<String> ALL = all();

  private Caps() {}

  /** The BuildKit release that introduced {@code cap}, when it is newer than v0.8. */
  public static Optional<String> addedIn(String cap) {
    return Optional.ofNullable(ADDED_AFTER_V0_8.get(cap));
  }

  private static Set<String> all() {
    var all = new HashSet<>(BUILDKIT_V0_8);
    all.addAll(ADDED_AFTER_V0_8.keySet());
    return Set.copyOf(all);
  }
}
