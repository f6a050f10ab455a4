package dev.kiln.server;

import dev.kiln.model.Glob;
import dev.kiln.model.Pipeline;
import dev.kiln.model.Trigger;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** Which of a pipeline's triggers an event sets off: the first, in declaration order, whose filters all match. */
final class TriggerMatch {
  /** The files an event changed, asked only when a trigger filters on paths; null when unknown (a new branch). */
  interface ChangedFiles {
    List<String> get() throws IOException;
  }

  private TriggerMatch() {}

  static Optional<Trigger.Event> first(Pipeline pipeline, RepositoryEvent event, ChangedFiles changed)
      throws IOException {
    List<String> files = null;
    boolean filesKnown = false;
    for (Trigger t : pipeline.triggers()) {
      boolean kind = event instanceof RepositoryEvent.Push ? t instanceof Trigger.Push : t instanceof Trigger.PullRequest;
      if (!kind) {
        continue;
      }
      Trigger.Event e = (Trigger.Event) t;
      if (!e.branches().isEmpty() && e.branches().stream().noneMatch(g -> g.matches(event.branch()))) {
        continue;
      }
      if (!e.paths().isEmpty()) {
        if (!filesKnown) {
          files = changed.get();
          filesKnown = true;
        }
        if (files != null && !anyMatches(e.paths(), files)) {
          continue;
        }
      }
      return Optional.of(e);
    }
    return Optional.empty();
  }

  private static boolean anyMatches(List<Glob> globs, List<String> files) {
    return files.stream().anyMatch(f -> globs.stream().anyMatch(g -> g.matches(f)));
  }
}
