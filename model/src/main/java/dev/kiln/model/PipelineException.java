package dev.kiln.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pipeline (or its parameters) is invalid: a type error, a failed check, a syntax error. One
 * exception may carry several independent problems ({@link #problems()}), so that a user fixes
 * them in one round trip; it then reads as the first of them.
 */
public class PipelineException extends KilnException {
  private static final Comparator<PipelineException> BY_PLACE = Comparator.comparing(
      (PipelineException e) -> e.location.map(l -> l.file().toString()).orElse(""))
      .thenComparingInt(e -> e.location.map(SourceLocation::line).orElse(0))
      .thenComparingInt(e -> e.location.map(SourceLocation::column).orElse(0));

  private final Optional<SourceLocation> location;
  private final List<PipelineException> problems;

  public PipelineException(String message, SourceLocation location, String hint) {
    this(message, location, hint, null);
  }

  public PipelineException(String message, SourceLocation location, String hint, Throwable cause) {
    super(message, hint, cause);
    this.location = Optional.ofNullable(location);
    this.problems = List.of(this);
  }

  private PipelineException(List<PipelineException> problems) {
    super(problems.get(0).getMessage(), problems.get(0).hint().orElse(null), problems.get(0));
    this.location = problems.get(0).location;
    this.problems = List.copyOf(problems);
  }

  /**
   * The problems found, each once, in the order of their places in the files: the one problem
   * itself, or an exception that carries them all.
   *
   * @throws IllegalArgumentException if {@code found} is empty
   */
  public static PipelineException of(List<PipelineException> found) {
    if (found.isEmpty()) {
      throw new IllegalArgumentException("no problems");
    }
    Map<String, PipelineException> once = new LinkedHashMap<>();
    for (PipelineException e : found) {
      for (PipelineException p : e.problems) {
        once.putIfAbsent(p.location.map(Object::toString).orElse("") + "\n" + p.getMessage(), p);
      }
    }
    List<PipelineException> sorted = new ArrayList<>(once.values());
    sorted.sort(BY_PLACE);
    return sorted.size() == 1 ? sorted.get(0) : new PipelineException(sorted);
  }

  @Override
  public Optional<SourceLocation> location() {
    return location;
  }

  /** Every independent problem this exception reports, in the order of their places; itself when one. */
  public List<PipelineException> problems() {
    return problems;
  }
}
