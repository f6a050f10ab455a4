package dev.kiln.planner;

import dev.kiln.model.TaskLimits;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A task in a plan: its dependencies (which run first), its targets, the cache volumes and secrets
 * (by name) it uses, and for a task that calls a run-time function, the call.
 *
 * @param requested true when asked for; false when planned only as another task's dependency
 * @param results the names of the values the task produces (its run's, or its function's)
 * @param call the function call the executor makes once the INPUT targets are on the host, or null
 * @param limits how long an attempt may take and how often a failed one is retried
 * @param services the services its targets' steps bind, each once
 */
public record PlannedTask(
    String name, String description, List<String> dependsOn, boolean requested,
    List<PlannedTarget> targets, SortedSet<String> cacheVolumes, SortedSet<String> secrets,
    List<String> results, PlannedCall call, TaskLimits limits, List<PlannedService> services) {

  /** A task whose steps bind no service. */
  public PlannedTask(String name, String description, List<String> dependsOn, boolean requested,
      List<PlannedTarget> targets, SortedSet<String> cacheVolumes, SortedSet<String> secrets,
      List<String> results, PlannedCall call, TaskLimits limits) {
    this(name, description, dependsOn, requested, targets, cacheVolumes, secrets, results, call, limits, List.of());
  }

  /** A task without limits. */
  public PlannedTask(String name, String description, List<String> dependsOn, boolean requested,
      List<PlannedTarget> targets, SortedSet<String> cacheVolumes, SortedSet<String> secrets,
      List<String> results, PlannedCall call) {
    this(name, description, dependsOn, requested, targets, cacheVolumes, secrets, results, call, TaskLimits.NONE);
  }

  /** Where a task's run writes its results, one file per name. */
  public static final String RESULTS_DIR = "/kiln/results";

  /** A task with no results. */
  public PlannedTask(String name, String description, List<String> dependsOn, boolean requested,
      List<PlannedTarget> targets, SortedSet<String> cacheVolumes, SortedSet<String> secrets) {
    this(name, description, dependsOn, requested, targets, cacheVolumes, secrets, List.of(), null);
  }

  /** A task that calls no function. */
  public PlannedTask(String name, String description, List<String> dependsOn, boolean requested,
      List<PlannedTarget> targets, SortedSet<String> cacheVolumes, SortedSet<String> secrets,
      List<String> results) {
    this(name, description, dependsOn, requested, targets, cacheVolumes, secrets, results, null);
  }

  public PlannedTask {
    results = List.copyOf(results);
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    dependsOn = List.copyOf(dependsOn);
    targets = List.copyOf(targets);
    cacheVolumes = Collections.unmodifiableSortedSet(new TreeSet<>(cacheVolumes));
    secrets = Collections.unmodifiableSortedSet(new TreeSet<>(secrets));
    Objects.requireNonNull(limits, "limits");
    services = List.copyOf(services);
  }
}
