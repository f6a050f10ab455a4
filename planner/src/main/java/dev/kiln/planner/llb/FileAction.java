package dev.kiln.planner.llb;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Objects;

/**
 * One step of a {@link FileOp}; each applies to the result of the step before it. Paths are
 * absolute: {@link LlbState} resolves relative ones against its working directory.
 */
public sealed interface FileAction
    permits FileAction.Copy, FileAction.MkFile, FileAction.MkDir, FileAction.Rm {

  /**
   * Copies {@code src} of {@code source} (scratch when null) to {@code dest}.
   */
  record Copy(Output source, String src, String dest, CopyOptions options) implements FileAction {
    public Copy {
      requireAbsolute(src);
      requireAbsolute(dest);
      Objects.requireNonNull(options, "options");
    }
  }

  /**
   * Options of a {@link Copy}; {@link #DEFAULT} matches a Dockerfile {@code COPY}.
   *
   * @param mode the mode for copied files, or -1 to keep theirs
   * @param owner the owner for copied files, or null to keep theirs
   * @param includePatterns copy only these (BuildKit v0.9+); empty for everything
   * @param excludePatterns do not copy these (BuildKit v0.9+)
   */
  record CopyOptions(
      boolean followSymlink, boolean dirCopyContents, boolean createDestPath,
      boolean allowWildcard, boolean allowEmptyWildcard, int mode, Owner owner,
      List<String> includePatterns, List<String> excludePatterns) {
    /** Follow symlinks, copy directory contents, create the destination, allow wildcards. */
    public static final CopyOptions DEFAULT =
        new CopyOptions(true, true, true, true, true, -1, null, List.of(), List.of());

    public CopyOptions {
      includePatterns = List.copyOf(includePatterns);
      excludePatterns = List.copyOf(excludePatterns);
    }

    /** These options with the owner replaced. */
    public CopyOptions withOwner(Owner owner) {
      return new CopyOptions(followSymlink, dirCopyContents, createDestPath, allowWildcard,
          allowEmptyWildcard, mode, owner, includePatterns, excludePatterns);
    }

    /** These options with the mode replaced. */
    public CopyOptions withMode(int mode) {
      return new CopyOptions(followSymlink, dirCopyContents, createDestPath, allowWildcard,
          allowEmptyWildcard, mode, owner, includePatterns, excludePatterns);
    }

    /** These options with include and exclude patterns replaced. */
    public CopyOptions withPatterns(List<String> include, List<String> exclude) {
      return new CopyOptions(followSymlink, dirCopyContents, createDestPath, allowWildcard,
          allowEmptyWildcard, mode, owner, include, exclude);
    }
  }

  /**
   * Creates (or replaces) the file {@code path} with {@code data}.
   *
   * @param owner the owner, or null for root
   */
  record MkFile(String path, int mode, ByteString data, Owner owner) implements FileAction {
    public MkFile {
      requireAbsolute(path);
      Objects.requireNonNull(data, "data");
    }
  }

  /**
   * Creates the directory {@code path}.
   *
   * @param owner the owner, or null for root
   */
  record MkDir(String path, int mode, boolean makeParents, Owner owner) implements FileAction {
    public MkDir {
      requireAbsolute(path);
    }
  }

  /** Removes {@code path}. */
  record Rm(String path, boolean allowNotFound, boolean allowWildcard) implements FileAction {
    public Rm {
      requireAbsolute(path);
    }
  }

  private static void requireAbsolute(String path) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must be absolute: " + path);
    }
  }
}
