package dev.kiln.planner;

import dev.kiln.model.KilnException;
import dev.kiln.model.SourceLocation;
import java.util.Optional;

/**
 * The pipeline cannot be planned: an unknown task, a dependency cycle, or a feature the engine
 * lacks. Raised before anything runs.
 */
public class PlanException extends KilnException {
  private final SourceLocation location;

  public PlanException(String message, String hint) {
    this(message, hint, null);
  }

  public PlanException(String message, String hint, SourceLocation location) {
    super(message, hint, null);
    this.location = location;
  }

  @Override
  public Optional<SourceLocation> location() {
    return Optional.ofNullable(location);
  }
}
