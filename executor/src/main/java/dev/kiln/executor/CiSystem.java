package dev.kiln.executor;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** A CI system whose log folds output into groups: how {@link CiProgress} marks them and failures. */
public enum CiSystem {
  /** GitHub Actions: {@code ::group::} lines, and failed tasks as {@code ::error::} annotations. */
  GITHUB_ACTIONS {
    @Override
    String groupStart(String task, long epochSecond) {
      return "::group::" + escapeData(task);
    }

    @Override
    String groupEnd(String task, long epochSecond) {
      return "::endgroup::";
    }

    @Override
    Optional<String> failure(TaskOutcome o) {
      return o.failure().map(f -> "::error title=" + escapeProperty("Task " + o.task() + " failed") + "::"
          + escapeData(OutputText.plain(f.getMessage()
              + (f.logTail().isEmpty() ? "" : "\n" + String.join("\n", f.logTail())))));
    }
  },
  /** GitLab CI: collapsible sections ({@code section_start}/{@code section_end}). */
  GITLAB_CI {
    @Override
    String groupStart(String task, long epochSecond) {
      return "\033[0Ksection_start:" + epochSecond + ":" + sectionName(task) + "\r\033[0Ktask " + task;
    }

    @Override
    String groupEnd(String task, long epochSecond) {
      return "\033[0Ksection_end:" + epochSecond + ":" + sectionName(task) + "\r\033[0K";
    }

    @Override
    Optional<String> failure(TaskOutcome o) {
      return Optional.empty(); // GitLab has no annotations; the run's summary says what failed
    }
  };

  /** The line that opens {@code task}'s group. */
  abstract String groupStart(String task, long epochSecond);

  /** The line that closes {@code task}'s group. */
  abstract String groupEnd(String task, long epochSecond);

  /** The line that annotates a failed task, if this system has annotations. */
  abstract Optional<String> failure(TaskOutcome o);

  /** The CI system the environment says this runs in, if any. */
  public static Optional<CiSystem> of(Map<String, String> environment) {
    if ("true".equals(environment.get("GITHUB_ACTIONS"))) {
      return Optional.of(GITHUB_ACTIONS);
    }
    if ("true".equals(environment.get("GITLAB_CI"))) {
      return Optional.of(GITLAB_CI);
    }
    return Optional.empty();
  }

  /** A GitLab section name: letters, digits, {@code _}, {@code .} and {@code -} only. */
  static String sectionName(String task) {
    return "kiln_" + task.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.-]", "_");
  }

  /** Workflow-command data: {@code %}, CR and LF are escaped. */
  public static String escapeData(String s) {
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
  }

  /** Workflow-command property values also escape {@code :} and {@code ,}. */
  public static String escapeProperty(String s) {
    return escapeData(s).replace(":", "%3A").replace(",", "%2C");
  }
}
