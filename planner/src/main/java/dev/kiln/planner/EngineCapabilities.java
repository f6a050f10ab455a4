package dev.kiln.planner;

import dev.kiln.planner.llb.Caps;
import java.util.Objects;
import java.util.Set;

/**
 * What the engine that will run a plan supports: its LLB capabilities (from the executor's
 * probe, {@code kiln engine info}) plus its name and versions for error messages.
 *
 * <p>{@link #dockerV20_10()} is the default when no engine is known (for example {@code kiln
 * plan} without an engine): it is the oldest engine Kiln supports, so a plan made for it runs
 * everywhere, and it is the engine of Kiln's own CI, so the printed digests are the ones a run
 * there submits. Use {@link #latest()} to see the plan a current BuildKit gets.
 *
 * @param engine engine name, e.g. {@code Docker} or {@code BuildKit}
 * @param version engine version, e.g. {@code 20.10.24}
 * @param buildkitVersion the BuildKit release it runs, e.g. {@code v0.8.2}
 * @param caps the LLB capability IDs it has enabled
 */
public record EngineCapabilities(String engine, String version, String buildkitVersion, Set<String> caps) {
  public EngineCapabilities {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(buildkitVersion, "buildkitVersion");
    caps = Set.copyOf(caps);
  }

  /** Docker 20.10's embedded BuildKit v0.8: Kiln's baseline and the default. */
  public static EngineCapabilities dockerV20_10() {
    return new EngineCapabilities("Docker", "20.10", "v0.8", Caps.BUILDKIT_V0_8);
  }

  /** A current BuildKit with every capability Kiln can use. */
  public static EngineCapabilities latest() {
    return new EngineCapabilities("BuildKit", "latest", "latest", Caps.ALL);
  }

  /** True when the engine has {@code cap}. */
  public boolean supports(String cap) {
    return caps.contains(cap);
  }

  /** For messages: {@code Docker 20.10 (BuildKit v0.8)}. */
  public String describe() {
    return engine.equals("BuildKit") ? "BuildKit " + version : engine + " " + version + " (BuildKit " + buildkitVersion + ")";
  }
}
