package dev.kiln.model;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The engines Kiln may run tasks on (from {@code .kiln/engines.pkl}, {@code ~/.config/kiln/engines.pkl}
 * or repeated {@code --engine}), each with a limit of concurrent solves, and the fleet's registry.
 *
 * @param engines the engines, in the order they were declared; names are unique
 * @param registry the repository prefix (e.g. {@code 127.0.0.1:5000/kiln-fleet}) through which
 *     tasks on different engines pass outputs, and the fleet's shared cache; empty for none
 */
public record EngineFleet(List<Engine> engines, Optional<String> registry) {
  /** How many solves an engine runs at once when the configuration does not say. */
  public static final int DEFAULT_MAX_SOLVES = 4;

  /**
   * One engine of the fleet.
   *
   * @param name how output names it (unique in the fleet; also its routing identity)
   * @param address where it answers ({@code docker://...}, {@code unix://...}, {@code tcp://...})
   * @param maxSolves how many of a run's tasks it runs at once (at least 1)
   */
  public record Engine(String name, String address, int maxSolves) {
    public Engine {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(address, "address");
      if (maxSolves < 1) {
        throw new IllegalArgumentException("maxSolves must be at least 1: " + maxSolves);
      }
    }
  }

  public EngineFleet {
    engines = List.copyOf(engines);
    Objects.requireNonNull(registry, "registry");
    Set<String> names = new HashSet<>();
    for (Engine e : engines) {
      if (!names.add(e.name())) {
        throw new IllegalArgumentException("two engines are named " + e.name());
      }
    }
  }

  /** A fleet of the given addresses, named {@code e1}, {@code e2}, ... in order, without a registry. */
  public static EngineFleet of(List<String> addresses) {
    List<Engine> engines = new java.util.ArrayList<>();
    for (int i = 0; i < addresses.size(); i++) {
      engines.add(new Engine("e" + (i + 1), addresses.get(i), DEFAULT_MAX_SOLVES));
    }
    return new EngineFleet(engines, Optional.empty());
  }

  /** Whether this is more than one engine (one engine runs as Kiln always has). */
  public boolean isFleet() {
    return engines.size() > 1;
  }
}
