package dev.kiln.planner;

import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A task in a plan: its dependencies (which run first), its targets, and the cache volumes and
 * secrets (by name) it uses.
 *
 * @param requested true when asked for; false when planned only as another task's dependency
 */
public record PlannedTask(
    String name, String description, List<String> dependsOn, boolean requested,
    List<PlannedTarget> targets, SortedSet<String> cacheVolumes, SortedSet<String> secrets,
    List<String> results) {

  /** Where a task's run writes its results, one file per name. */
  public static final String RESULTS_DIR = "/kiln/results";

  /** A task with no results. */
  public PlannedTask(String name, String description, List<String> dependsOn, boolean requested,
      List<PlannedTarget> targets, SortedSet<String> cacheVolumes, SortedSet<String> secrets) {
    this(name, description, dependsOn, requested, targets, cacheVolumes, secrets, List.of());
  }

  public PlannedTask {
    results = List.copyOf(results);
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    dependsOn = List.copyOf(dependsOn);
    targets = List.copyOf(targets);
    cacheVolumes = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(cacheVolumes));
    secrets = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(secrets));
  }
}
