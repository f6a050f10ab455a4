package dev.kiln.planner;

import dev.kiln.planner.llb.Caps;
import dev.kiln.planner.llb.Definition;
import java.util.Map;

/**
 * Checks planned LLB against the engine before anything runs, naming the feature, the engine
 * and the version that would have it. (Features with a lowering never get here: the planner
 * lowers them while building, see {@code PlannerImpl}.)
 */
final class EngineFeatures {
  private static final Map<String, String> FEATURE = Map.of(
      Caps.EXEC_SECRET_ENV, "a secret as an environment variable",
      Caps.MERGE_OP, "merged directories (MergeOp)",
      Caps.DIFF_OP, "directory diffs (DiffOp)",
      Caps.FILE_COPY_INCLUDE_EXCLUDE_PATTERNS, "include/exclude patterns on a copied directory",
      Caps.EXEC_MOUNT_TMPFS_SIZE, "a size limit on a tmpfs mount",
      Caps.EXEC_VALID_EXIT_CODE, "accepting exit codes other than 0");

  // The first Docker release embedding each BuildKit, from Docker's release notes.
  private static final Map<String, String> DOCKER = Map.of(
      "v0.9", "Docker 23.0", "v0.10", "Docker 23.0", "v0.17", "Docker 28.0");

  private EngineFeatures() {}

  /**
   * @throws PlanException naming the first capability {@code def} uses that the engine lacks
   */
  static void check(String task, Definition def, EngineCapabilities engine) {
    for (String cap : def.caps()) {
      if (engine.supports(cap)) {
        continue;
      }
      String feature = FEATURE.getOrDefault(cap, "LLB capability " + cap);
      String since = Caps.addedIn(cap).orElse(null);
      String message = "task '" + task + "' uses " + feature + ", which " + engine.describe()
          + " does not support (LLB capability " + cap
          + (since == null ? "" : ", added in BuildKit " + since) + ")";
      String hint = since == null
          ? "run it on an engine that reports capability " + cap + " (see kiln engine info)"
          : "run it on BuildKit " + since + " or newer (" + DOCKER.getOrDefault(since, "a newer Docker")
              + " or newer), or change the task so it does not need this";
      throw new PlanException(message, hint);
    }
  }
}
