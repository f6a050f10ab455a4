package dev.kiln.executor.exports;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The process that owns a staging directory, an old copy set aside or a commit journal, written into
 * its name ({@code .kiln-export-<pid>-<start>-<random>}): a later run removes what a process left
 * behind only once that process is gone, so concurrent runs never touch each other's exports. The
 * start time tells a recycled pid from the process that wrote the name.
 *
 * @param pid the owner's process id
 * @param started when it started, in milliseconds since the epoch (0 when the system does not say)
 */
record StagingOwner(long pid, long started) {
  /** This process. */
  static final StagingOwner CURRENT = of(ProcessHandle.current());

  /** A staging directory: what the engine sends is received in it. */
  static final String STAGING = ".kiln-export-";
  /** What an export replaced, until the whole set is in place. */
  static final String ASIDE = ".kiln-old-";
  /** The list of the swaps of a commit, so that a run killed halfway can be completed. */
  static final String JOURNAL = ".kiln-commit-";

  private static StagingOwner of(ProcessHandle process) {
    return new StagingOwner(process.pid(), process.info().startInstant().map(Instant::toEpochMilli).orElse(0L));
  }

  /** A fresh name of {@code kind} ({@link #STAGING}, {@link #ASIDE} or {@link #JOURNAL}) owned by this owner. */
  String name(String kind) {
    return kind + pid + "-" + started + "-" + UUID.randomUUID();
  }

  /**
   * The owner written in {@code name} after {@code kind}, or empty when the name has none (written
   * by a Kiln that did not record owners) or is not of that kind.
   */
  static Optional<StagingOwner> parse(String kind, String name) {
    if (!name.startsWith(kind)) {
      return Optional.empty();
    }
    String[] parts = name.substring(kind.length()).split("-", 3);
    try {
      return parts.length == 3 ? Optional.of(new StagingOwner(Long.parseLong(parts[0]), Long.parseLong(parts[1])))
          : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Whether the owner still runs: a live process with this pid that started when the owner did. */
  boolean alive() {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .map(p -> started == 0 || p.info().startInstant().map(Instant::toEpochMilli).orElse(started) == started)
        .orElse(false);
  }

  /** Whether {@code name} (of any kind) belongs to a process that is gone, or to no recorded owner. */
  static boolean stale(String name) {
    for (String kind : new String[] {STAGING, ASIDE, JOURNAL}) {
      if (name.startsWith(kind)) {
        return parse(kind, name).map(o -> !o.alive()).orElse(true);
      }
    }
    return false;
  }
}
