package dev.kiln.executor.exports;

import dev.kiln.model.ProjectRoot;
import dev.kiln.planner.Plan;
import dev.kiln.planner.PlannedTarget;
import dev.kiln.planner.PlannedTask;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What runs that are gone (killed, or whose machine stopped) left beside export destinations:
 * staging directories with part of an export, old copies set aside, and the journal of a commit
 * they did not finish. A run cleans them up before it exports: it completes such a commit (every
 * export of that set had arrived), then deletes the rest. Names of a live process are left alone,
 * so concurrent runs never touch each other's exports.
 */
public final class StaleStaging {
  private StaleStaging() {}

  /** Cleans the directories of {@code plan}'s export destinations and of its tasks' results. */
  public static int clean(ProjectRoot root, Plan plan) {
    List<String> destinations = new ArrayList<>();
    for (PlannedTask t : plan.tasks()) {
      for (PlannedTarget target : t.targets()) {
        if (target.kind() == PlannedTarget.Kind.EXPORT) {
          destinations.add(target.destination());
        } else if (target.kind() == PlannedTarget.Kind.REPORTS) {
          destinations.add(".kiln/reports/" + t.name() + "/" + target.destination());
        }
      }
      if (!t.results().isEmpty()) {
        destinations.add(ExportSet.RESULTS + "/" + t.name());
      }
    }
    return clean(root, destinations);
  }

  /**
   * Cleans the directories of {@code destinations} (project-relative, as the pipeline names them;
   * those that do not lead inside the project are skipped).
   *
   * @return how many entries were removed or completed
   */
  public static int clean(ProjectRoot root, Collection<String> destinations) {
    Set<Path> dirs = new LinkedHashSet<>();
    for (String destination : destinations) {
      Path parent = Path.of(destination).normalize().getParent();
      if (root.resolve(parent == null ? "." : parent.toString()) instanceof ProjectRoot.Resolution.Inside in
          && Files.isDirectory(in.real(), LinkOption.NOFOLLOW_LINKS)) {
        dirs.add(in.real());
      }
    }
    List<Path> stale = new ArrayList<>();
    for (Path dir : dirs) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
          p -> StagingOwner.stale(p.getFileName().toString()))) {
        entries.forEach(stale::add);
      } catch (IOException e) {
        // unreadable: nothing of ours can be there either
      }
    }
    // Journals first: completing a commit needs its staging directories, which may be in any of the directories.
    for (Path journal : stale) {
      if (journal.getFileName().toString().startsWith(StagingOwner.JOURNAL)) {
        complete(journal, root);
      }
    }
    for (Path p : stale) {
      FileTrees.deleteQuietly(p);
    }
    return stale.size();
  }

  /** Finishes the commit {@code journal} lists (each swap not done yet), then removes the journal. */
  private static void complete(Path journal, ProjectRoot root) {
    Optional<List<Swap>> swaps = CommitJournal.read(journal, root);
    for (Swap s : swaps.orElse(List.of())) {
      try {
        if (Files.exists(s.item(), LinkOption.NOFOLLOW_LINKS)) {
          Path aside = s.apply(StagingOwner.CURRENT);
          if (aside != null) {
            FileTrees.deleteQuietly(aside);
          }
        }
        FileTrees.deleteQuietly(s.item().getParent());
      } catch (IOException e) {
        // this one stays as it was; its staging directory is removed with the rest
      }
    }
    FileTrees.deleteQuietly(journal);
  }
}
