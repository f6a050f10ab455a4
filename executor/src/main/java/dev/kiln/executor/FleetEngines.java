package dev.kiln.executor;

import dev.kiln.executor.engine.BuildkitConnection;
import dev.kiln.executor.engine.CallPolicy;
import dev.kiln.executor.engine.CapsCache;
import dev.kiln.executor.engine.EngineConnector;
import dev.kiln.executor.engine.EngineInfo;
import dev.kiln.executor.engine.EngineProbe;
import dev.kiln.model.EngineFleet;
import dev.kiln.model.KilnException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The connections to a fleet's engines: each opened and probed on first use; an engine that cannot
 * be reached, or is lost, is down for the rest of the executor's life (a run does not go back to an
 * engine that died under it). Owns the connections; thread-safe.
 */
final class FleetEngines implements AutoCloseable {
  /** A reachable engine: its connection and what it is. */
  record Member(EngineFleet.Engine engine, BuildkitConnection connection, EngineInfo info) {
    /** The engine's name and address, as output shows it. */
    String describe() {
      return engine.name() + " (" + engine.address() + ")";
    }
  }

  private final EngineFleet fleet;
  private final Map<String, String> environment;
  private final CallPolicy calls;
  private final CapsCache capsCache;
  // guarded by this
  private final Map<String, Member> members = new LinkedHashMap<>();
  private final Map<String, String> down = new LinkedHashMap<>();
  private boolean closed;

  FleetEngines(EngineFleet fleet, Map<String, String> environment, CallPolicy calls, CapsCache capsCache) {
    this.fleet = fleet;
    this.environment = Map.copyOf(environment);
    this.calls = calls;
    this.capsCache = capsCache;
  }

  EngineFleet fleet() {
    return fleet;
  }

  /**
   * The engine connected and probed, or empty when it is down (now or earlier: {@link #why}).
   * Connecting to an engine that does not answer takes up to the dial's bound (10 s).
   */
  Optional<Member> member(EngineFleet.Engine engine) {
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("this executor is closed");
      }
      if (down.containsKey(engine.name())) {
        return Optional.empty();
      }
      Member m = members.get(engine.name());
      if (m != null) {
        return Optional.of(m);
      }
    }
    // Outside the lock: other engines stay usable while one is dialled.
    BuildkitConnection connection = null;
    try {
      connection = EngineConnector.connect(engine.address(), environment, calls);
      EngineInfo info = EngineProbe.probe(connection, capsCache);
      synchronized (this) {
        Member existing = members.get(engine.name());
        if (existing != null || closed || down.containsKey(engine.name())) {
          connection.close();
          return Optional.ofNullable(existing);
        }
        Member m = new Member(engine, connection, info);
        members.put(engine.name(), m);
        return Optional.of(m);
      }
    } catch (KilnException e) {
      if (connection != null) {
        connection.close();
      }
      markDown(engine, oneLine(e.getMessage()));
      return Optional.empty();
    }
  }

  /** Whether {@code engine} is down. */
  synchronized boolean isDown(EngineFleet.Engine engine) {
    return down.containsKey(engine.name());
  }

  /** Why {@code engine} is down, or null. */
  synchronized String why(EngineFleet.Engine engine) {
    return down.get(engine.name());
  }

  /** Takes {@code engine} out of the fleet for the rest of this executor's life. */
  void markDown(EngineFleet.Engine engine, String why) {
    Member m;
    synchronized (this) {
      down.putIfAbsent(engine.name(), why);
      m = members.remove(engine.name());
    }
    if (m != null) {
      m.connection().close();
    }
  }

  /**
   * The first engine, in declared order, that answers: the one plans are made for (the fleet's
   * engines are expected to be alike).
   *
   * @throws EngineUnavailableException listing every engine and why it is down, when none answers
   */
  Member first() {
    for (EngineFleet.Engine e : fleet.engines()) {
      Optional<Member> m = member(e);
      if (m.isPresent()) {
        return m.get();
      }
    }
    throw unavailable("no engine of the fleet answered");
  }

  /** That no engine is left, with each one's reason. */
  synchronized EngineUnavailableException unavailable(String message) {
    List<String> attempts = new ArrayList<>();
    for (EngineFleet.Engine e : fleet.engines()) {
      attempts.add(e.name() + " " + e.address() + ": " + down.getOrDefault(e.name(), "not tried"));
    }
    return new EngineUnavailableException(message, attempts,
        "start the engines, or check the fleet's addresses (.kiln/engines.pkl, ~/.config/kiln/engines.pkl, --engine)",
        null);
  }

  /** An engine error's message on one line, as a fleet's output and `kiln engine ls` show it. */
  static String oneLine(String message) {
    if (message == null) {
      return "unreachable";
    }
    return message.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce((a, b) -> a + "; " + b)
        .orElse("unreachable");
  }

  @Override
  public void close() {
    List<Member> open;
    synchronized (this) {
      closed = true;
      open = new ArrayList<>(members.values());
      members.clear();
    }
    open.forEach(m -> m.connection().close());
  }
}
