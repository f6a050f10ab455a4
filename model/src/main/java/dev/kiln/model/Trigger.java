package dev.kiln.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Something that starts a run of a pipeline under {@code kiln serve}: a push, a pull request, or a
 * schedule. Each names the tasks to run (empty: the pipeline's default tasks) and parameter values
 * (as {@code --param NAME=VALUE} would pass them).
 */
public sealed interface Trigger permits Trigger.Event, Trigger.Schedule {
  /** The tasks to run; empty: the pipeline's default tasks, else all. */
  List<String> tasks();

  /** Parameter values by name, as text (Pkl checks them against the parameters' types). */
  Map<String, String> params();

  /** Where the pipeline declares this trigger. */
  SourceLocation location();

  /** One line for people: {@code push to main, release/* touching src/**}. */
  String describe();

  /** A repository event a webhook delivers, filtered by branch and by the files it changes. */
  sealed interface Event extends Trigger permits Push, PullRequest {
    /** The branches it runs for (a pull request's target branch); empty: every branch. */
    List<Glob> branches();

    /** Files of which one must have changed; empty: any. */
    List<Glob> paths();
  }

  /**
   * A push to a branch.
   *
   * @param branches the branches it runs for; empty: every branch
   * @param paths files of which one must have changed; empty: any push
   */
  record Push(List<Glob> branches, List<Glob> paths, List<String> tasks, Map<String, String> params,
      SourceLocation location) implements Event {
    public Push {
      branches = List.copyOf(branches);
      paths = List.copyOf(paths);
      tasks = List.copyOf(tasks);
      params = ordered(params);
      Objects.requireNonNull(location, "location");
    }

    @Override
    public String describe() {
      return "push" + filters(branches, paths, "to");
    }
  }

  /**
   * A pull (merge) request opened, reopened or updated: its head commit runs.
   *
   * @param branches the target branches it runs for; empty: every branch
   * @param paths files of which one must differ from the target; empty: any request
   */
  record PullRequest(List<Glob> branches, List<Glob> paths, List<String> tasks, Map<String, String> params,
      SourceLocation location) implements Event {
    public PullRequest {
      branches = List.copyOf(branches);
      paths = List.copyOf(paths);
      tasks = List.copyOf(tasks);
      params = ordered(params);
      Objects.requireNonNull(location, "location");
    }

    @Override
    public String describe() {
      return "pull request" + filters(branches, paths, "into");
    }
  }

  /**
   * A schedule: the latest commit of {@code branch} runs at the times {@code cron} names.
   *
   * @param cron a standard five-field cron expression ({@code minute hour day-of-month month day-of-week})
   * @param timeZone the IANA time zone {@code cron} is read in, e.g. {@code Europe/Paris} or {@code UTC}
   * @param branch the branch whose latest commit runs
   */
  record Schedule(String cron, String timeZone, String branch, List<String> tasks, Map<String, String> params,
      SourceLocation location) implements Trigger {
    public Schedule {
      Objects.requireNonNull(cron, "cron");
      Objects.requireNonNull(timeZone, "timeZone");
      Objects.requireNonNull(branch, "branch");
      tasks = List.copyOf(tasks);
      params = ordered(params);
      Objects.requireNonNull(location, "location");
    }

    @Override
    public String describe() {
      return "schedule \"" + cron + "\" " + timeZone + " on " + branch;
    }
  }

  private static Map<String, String> ordered(Map<String, String> params) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  private static String filters(List<Glob> branches, List<Glob> paths, String preposition) {
    StringBuilder out = new StringBuilder();
    if (!branches.isEmpty()) {
      out.append(' ').append(preposition).append(' ').append(join(branches));
    }
    if (!paths.isEmpty()) {
      out.append(" touching ").append(join(paths));
    }
    return out.toString();
  }

  private static String join(List<Glob> globs) {
    return String.join(", ", globs.stream().map(Glob::pattern).toList());
  }
}
