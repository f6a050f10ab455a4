package dev.kiln.executor;

import java.util.List;
import java.util.function.UnaryOperator;

/** The outcome of a run: every planned task, in plan order. */
public record RunReport(List<TaskOutcome> tasks, boolean interrupted) {
  public RunReport {
    tasks = List.copyOf(tasks);
  }

  /** True when every task succeeded. */
  public boolean succeeded() {
    return !interrupted && tasks.stream().allMatch(t -> t.status() == TaskOutcome.Status.SUCCEEDED);
  }

  /** This report with {@code mask} applied to every text of its tasks' outcomes. */
  public RunReport masked(UnaryOperator<String> mask) {
    return new RunReport(tasks.stream().map(t -> t.masked(mask)).toList(), interrupted);
  }

  /** The images the run's tasks pushed, in plan order. */
  public List<PublishedImage> published() {
    return tasks.stream().flatMap(t -> t.published().stream()).toList();
  }

  /** The tasks that failed. */
  public List<TaskOutcome> failures() {
    return tasks.stream().filter(t -> t.status() == TaskOutcome.Status.FAILED).toList();
  }
}
