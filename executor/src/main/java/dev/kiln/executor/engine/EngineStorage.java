package dev.kiln.executor.engine;

import dev.kiln.executor.proto.control.PruneRequest;
import dev.kiln.executor.proto.control.UsageRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** The engine's build cache: what it holds ({@code du}) and removing it ({@code prune}). */
public final class EngineStorage {
  /**
   * One cache record.
   *
   * @param id the record id
   * @param type e.g. {@code regular}, {@code exec.cachemount}, {@code source.local}
   * @param size bytes
   * @param inUse held by a running build
   * @param shared shared with other records (not freed by removing this one alone)
   * @param lastUsed when it was last used, or null
   * @param description what made it
   */
  public record Usage(String id, String type, long size, boolean inUse, boolean shared, Instant lastUsed,
      String description) {}

  private final BuildkitConnection connection;

  public EngineStorage(BuildkitConnection connection) {
    this.connection = connection;
  }

  /** Every record of the build cache. */
  public List<Usage> usage() {
    List<Usage> out = new ArrayList<>();
    BuildkitErrors.call(connection, "reading the engine's disk usage", () -> connection.control().diskUsage())
        .getRecordList().forEach(r -> out.add(of(r)));
    return out;
  }

  /**
   * Removes build cache records.
   *
   * @param all also records that are kept by default (for example internal and frozen ones)
   * @param keepDuration keep records used within this time, or null
   * @return the records removed
   */
  public List<Usage> prune(boolean all, Duration keepDuration) {
    return prune(all, keepDuration, List.of());
  }

  /**
   * Like {@link #prune(boolean, Duration)}, limited to records matching every filter (containerd
   * filter syntax, e.g. {@code type==exec.cachemount} or {@code description~=pattern}).
   */
  public List<Usage> prune(boolean all, Duration keepDuration, List<String> filters) {
    PruneRequest.Builder req = PruneRequest.newBuilder().setAll(all).addAllFilter(filters);
    if (keepDuration != null) {
      req.setKeepDuration(keepDuration.toNanos());
    }
    List<Usage> removed = new ArrayList<>();
    // The stream's errors surface while it is read, so the whole read is the call.
    return BuildkitErrors.call(connection, "pruning the engine's build cache", () -> {
      Iterator<UsageRecord> it = connection.control().prune(req.build());
      it.forEachRemaining(r -> removed.add(of(r)));
      return removed;
    });
  }

  private static Usage of(UsageRecord r) {
    Instant last = r.hasLastUsedAt()
        ? Instant.ofEpochSecond(r.getLastUsedAt().getSeconds(), r.getLastUsedAt().getNanos()) : null;
    return new Usage(r.getID(), r.getRecordType(), r.getSize(), r.getInUse(), r.getShared(), last, r.getDescription());
  }
}
