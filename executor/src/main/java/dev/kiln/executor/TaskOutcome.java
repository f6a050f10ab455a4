package dev.kiln.executor;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * How one task of a run ended.
 *
 * @param task the task's name
 * @param status how it ended
 * @param duration wall time from start to end (zero when it never started)
 * @param cached true when every step came from the cache
 * @param error the failure, for {@code FAILED}
 * @param results the values the task's run wrote under {@code /kiln/results/}, by name (for a
 *     publishing task also the image's {@code digest} and pinned {@code ref})
 * @param published the images the task pushed
 * @param reason why a task was skipped or cancelled (which dependency did not succeed, what stopped
 *     the run), else empty
 */
public record TaskOutcome(String task, Status status, Duration duration, boolean cached, SolveException error,
    Map<String, String> results, List<PublishedImage> published, String reason) {

  /** An outcome without results. */
  public TaskOutcome(String task, Status status, Duration duration, boolean cached, SolveException error) {
    this(task, status, duration, cached, error, Map.of());
  }

  /** An outcome that published nothing, without a reason. */
  public TaskOutcome(String task, Status status, Duration duration, boolean cached, SolveException error,
      Map<String, String> results) {
    this(task, status, duration, cached, error, results, List.of(), "");
  }

  /** An outcome without a reason. */
  public TaskOutcome(String task, Status status, Duration duration, boolean cached, SolveException error,
      Map<String, String> results, List<PublishedImage> published) {
    this(task, status, duration, cached, error, results, published, "");
  }

  /** An outcome that published nothing, with {@code reason}. */
  public TaskOutcome(String task, Status status, Duration duration, boolean cached, SolveException error,
      Map<String, String> results, String reason) {
    this(task, status, duration, cached, error, results, List.of(), reason);
  }

  public TaskOutcome {
    results = Collections.unmodifiableMap(new TreeMap<>(results));
    published = List.copyOf(published);
    Objects.requireNonNull(reason, "reason");
  }

  /** This outcome with {@code why} as its reason. */
  public TaskOutcome because(String why) {
    return new TaskOutcome(task, status, duration, cached, error, results, published, why);
  }

  /** How a task ended. */
  public enum Status {
    SUCCEEDED,
    FAILED,
    /** Stopped because another task failed, or by Ctrl-C. */
    CANCELLED,
    /** Never started: a task it depends on did not succeed. */
    SKIPPED
  }

  /** This outcome with {@code mask} applied to every text in it: results, the failure, what it published, the reason. */
  public TaskOutcome masked(UnaryOperator<String> mask) {
    Map<String, String> masked = new TreeMap<>();
    results.forEach((name, value) -> masked.put(name, mask.apply(value)));
    return new TaskOutcome(task, status, duration, cached, error == null ? null : error.masked(mask), masked,
        published.stream().map(i -> new PublishedImage(mask.apply(i.ref()), i.digest())).toList(), mask.apply(reason));
  }

  /** The failure, for {@code FAILED}. */
  public Optional<SolveException> failure() {
    return Optional.ofNullable(error);
  }
}
