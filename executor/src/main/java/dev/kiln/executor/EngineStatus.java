package dev.kiln.executor;

import dev.kiln.executor.engine.EngineInfo;
import dev.kiln.executor.engine.EngineStorage;
import dev.kiln.model.KilnException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One engine as {@code kiln engine ls} shows it. BuildKit v0.8 (Docker 20.10) has no API that lists
 * running solves, so activity is what the engine's disk usage says: cache records in use (a running
 * solve holds the records it mounts); a later engine's build history is not asked for.
 *
 * @param name its name in the fleet
 * @param address where it is
 * @param problem why it could not be reached; empty when it answered
 * @param engine what it is ({@link EngineInfo#describe}), or empty
 * @param buildkitVersion its BuildKit version, or empty
 * @param cacheBytes the size of its build cache (as `kiln engine du` counts it: records not shared)
 * @param cacheRecords how many records its build cache holds
 * @param inUse how many of them are in use now
 */
public record EngineStatus(String name, String address, Optional<String> problem, String engine,
    String buildkitVersion, long cacheBytes, int cacheRecords, int inUse) {

  /** What a reachable engine said. */
  record Reached(EngineInfo info, List<EngineStorage.Usage> usage) {}

  /** The status of the engine {@code reach} connects to and asks; unreachable when it throws Kiln's error. */
  static EngineStatus of(String name, String address, Supplier<Reached> reach) {
    try {
      Reached r = reach.get();
      long bytes = r.usage().stream().filter(u -> !u.shared()).mapToLong(EngineStorage.Usage::size).sum();
      int inUse = (int) r.usage().stream().filter(EngineStorage.Usage::inUse).count();
      return new EngineStatus(name, address, Optional.empty(), r.info().describe(), r.info().buildkitVersion(),
          bytes, r.usage().size(), inUse);
    } catch (KilnException e) {
      return new EngineStatus(name, address, Optional.of(FleetEngines.oneLine(e.getMessage())), "", "", 0, 0, 0);
    }
  }

  /** Whether the engine answered. */
  public boolean reachable() {
    return problem.isEmpty();
  }
}
