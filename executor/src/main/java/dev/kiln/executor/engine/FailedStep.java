package dev.kiln.executor.engine;

import java.util.List;

/**
 * A step that failed in a gateway solve, as the engine registered it (BuildKit's SolveError):
 * result ids for each of its mounts, usable in {@link Gateway#container} while the build is open.
 * Only engines that send error details say this (not Docker before 20.10.26).
 *
 * @param vertexDigest the failed step's digest
 * @param mountIds each mount after the failure (empty where a mount has no result)
 * @param inputIds each mount before the step ran (empty where a mount has no input)
 */
public record FailedStep(String vertexDigest, List<String> mountIds, List<String> inputIds) {
  public FailedStep {
    mountIds = List.copyOf(mountIds);
    inputIds = List.copyOf(inputIds);
  }

  /** The result id of mount {@code i} as the failure left it, else as it was before; empty for none. */
  public String mountAfter(int i) {
    String after = i < mountIds.size() ? mountIds.get(i) : "";
    return !after.isEmpty() || i >= inputIds.size() ? after : inputIds.get(i);
  }
}
