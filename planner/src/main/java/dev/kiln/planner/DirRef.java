package dev.kiln.planner;

import dev.kiln.planner.llb.LlbState;

/**
 * A lowered directory or file: a filesystem and the absolute path of the directory (or file)
 * inside it. Selecting a subdirectory only changes {@code path}; no op is planned for it.
 */
record DirRef(LlbState fs, String path) {
  /** The directory {@code sub} below this one. */
  DirRef resolve(String sub) {
    String p = sub.startsWith("/") ? sub : (path.endsWith("/") ? path + sub : path + "/" + sub);
    return new DirRef(fs, fs.withCwd("/").resolve(p));
  }
}
