package dev.kiln.server;

import java.util.List;
import java.util.Map;

/**
 * A run to queue: what triggered it, before the pipeline at its commit is known.
 *
 * @param source {@code github}, {@code gitlab}, {@code generic} or {@code schedule}
 * @param delivery the sender's delivery id, unique per source
 * @param event {@code push}, {@code pull_request} or {@code schedule}
 * @param commit the commit to run, or null for a schedule (its branch's latest)
 * @param base what changed files are counted from, or null
 * @param pullRequest the pull request's number, or null
 * @param trigger the trigger, described, when already known (a schedule's), else null
 */
public record NewRun(String source, String delivery, String event, String branch, String commit, String base,
    Long pullRequest, String trigger, List<String> tasks, Map<String, String> params) {
  public NewRun {
    tasks = List.copyOf(tasks);
    params = Map.copyOf(params);
  }

  /** The run a webhook's event asks for; the trigger is found once the commit's pipeline is read. */
  static NewRun of(WebhookSource source, String delivery, RepositoryEvent event) {
    Long number = event instanceof RepositoryEvent.PullRequest pr ? pr.number() : null;
    return new NewRun(source.path(), delivery, event.kind(), event.branch(), event.commit(), event.base(), number,
        null, List.of(), Map.of());
  }
}
