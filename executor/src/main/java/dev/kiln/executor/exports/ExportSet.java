package dev.kiln.executor.exports;

import dev.kiln.executor.SolveException;
import dev.kiln.model.ProjectRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One task's outputs (its exports and its results), put in place together. Each is received into a
 * staging directory of its own beside its destination ({@link #stage}); {@link #commit} then
 * checks them all and swaps them all in, and when one swap fails undoes those done, so the
 * destinations hold all the new contents or all the old ones. A journal written before the first
 * swap lets the next run finish a commit a {@code kill -9} interrupted ({@link StaleStaging}).
 *
 * <p>Every destination is resolved with links followed when it is staged and again when it is
 * committed (the tree may change during a run): one that leads outside the project is refused,
 * and nothing is ever written through a link.
 *
 * <pre>{@code
 * try (ExportSet set = new ExportSet(root)) {
 *   Path staging = set.stage("export of /out/app.jar", "build/app.jar");
 *   // ... the engine writes staging/app.jar ...
 *   set.received(staging, staging.resolve("app.jar"));
 *   set.commit();
 * }
 * }</pre>
 */
public final class ExportSet implements AutoCloseable {
  /** Where a task's results are kept, {@code <RESULTS>/<task>/<name>}, for later tasks to read. */
  public static final String RESULTS = ".kiln/results";

  private final ProjectRoot root;
  private final StagingOwner owner;
  private final List<Entry> entries = new ArrayList<>();

  /** One output: what it is (for messages), where it goes, its staging directory, and what arrived. */
  private static final class Entry {
    final String what;
    final String destination;
    final Path place;
    final Path staging;
    Path item;

    Entry(String what, String destination, Path place, Path staging) {
      this.what = what;
      this.destination = destination;
      this.place = place;
      this.staging = staging;
    }
  }

  /** A set for the project at {@code root}. */
  public ExportSet(ProjectRoot root) {
    this(root, StagingOwner.CURRENT);
  }

  ExportSet(ProjectRoot root, StagingOwner owner) {
    this.root = root;
    this.owner = owner;
  }

  /**
   * Creates a fresh, empty staging directory for {@code destination} in its directory (created
   * too), before anything is received: a destination that cannot be written fails before the engine
   * runs anything.
   *
   * @param what what is written, for messages ("export of /out/app.jar", "results of task a")
   * @param destination the project-relative destination, as the pipeline names it
   * @throws SolveException when the destination leads outside the project or cannot be written
   */
  public Path stage(String what, String destination) {
    Path place = place(what, destination);
    Path staging = place.resolveSibling(owner.name(StagingOwner.STAGING));
    try {
      Files.createDirectories(place.getParent());
      Files.createDirectory(staging);
    } catch (IOException e) {
      throw failure(what, destination, e, staging);
    }
    entries.add(new Entry(what, destination, place, staging));
    return staging;
  }

  /**
   * Stages {@code results} (name -> value) as {@code .kiln/results/<task>/}, which replaces the
   * task's earlier results whole when the set is committed.
   *
   * @throws SolveException when {@code .kiln} leads outside the project or cannot be written
   */
  public void stageResults(String task, Map<String, String> results) {
    String what = "the results of task " + task;
    String destination = RESULTS + "/" + task;
    Path staging = stage(what, destination);
    Path dir = staging.resolve(task);
    try {
      Files.createDirectory(dir);
      for (Map.Entry<String, String> r : results.entrySet()) {
        Files.writeString(dir.resolve(r.getKey()), r.getValue());
      }
    } catch (IOException e) {
      throw failure(what, destination, e, staging);
    }
    received(staging, dir);
  }

  /** Says what arrived for {@code staging}: {@code item}, inside it, is what goes to the destination. */
  public void received(Path staging, Path item) {
    Entry e = entry(staging);
    if (!item.getParent().equals(staging)) {
      throw new IllegalArgumentException(item + " is not directly in " + staging);
    }
    e.item = item;
  }

  /**
   * The error for an output whose transfer failed on Kiln's side (a full disk, a permission):
   * the system's words and the destination, not the engine's "exporting to client: EOF".
   */
  public SolveException receiveFailed(Path staging, IOException cause) {
    Entry e = entry(staging);
    return failure(e.what, e.destination, cause, e.staging);
  }

  /**
   * Puts every received output in place: first checks them all (each arrived, still leads where it
   * did, and is of the same kind as what it replaces: a file never replaces a directory nor a
   * directory a file), then swaps them in; when a swap fails, those done are undone.
   *
   * @throws SolveException naming the output and the reason; nothing was changed then
   */
  public void commit() {
    if (entries.isEmpty()) {
      return;
    }
    List<Swap> swaps = new ArrayList<>();
    for (Entry e : entries) {
      swaps.add(check(e));
    }
    Path journal;
    try {
      journal = CommitJournal.write(entries.get(0).place.getParent(), root, swaps, owner);
    } catch (IOException ex) {
      Entry first = entries.get(0);
      throw failure(first.what, first.destination, ex, null);
    }
    List<Path> asides = new ArrayList<>();
    int done = 0;
    try {
      for (; done < swaps.size(); done++) {
        asides.add(swaps.get(done).apply(owner));
      }
    } catch (IOException ex) {
      boolean undone = true;
      for (int i = done - 1; i >= 0; i--) {
        try {
          swaps.get(i).undo(asides.get(i));
        } catch (IOException undo) {
          ex.addSuppressed(undo);
          undone = false;
        }
      }
      Entry failed = entries.get(done);
      SolveException error = failure(failed.what, failed.destination, ex, null);
      if (undone) {
        FileTrees.deleteQuietly(journal);
      } else {
        entries.clear(); // staging and journal stay: once this process is gone, the next run completes the set
      }
      throw error;
    }
    FileTrees.deleteQuietly(journal); // from here on the set is in place; the rest is tidying up
    for (Path aside : asides) {
      if (aside != null) {
        FileTrees.deleteQuietly(aside);
      }
    }
  }

  /**
   * Removes the staging directories, and with them whatever was not put in place; one whose
   * directory is no longer where it was (a link was made in its path) is left for a later run.
   */
  @Override
  public void close() {
    for (Entry e : entries) {
      try {
        if (e.staging.getParent().toRealPath().equals(e.staging.getParent())) {
          FileTrees.deleteQuietly(e.staging);
        }
      } catch (IOException ex) {
        // its directory is gone: so is the staging directory
      }
    }
    entries.clear();
  }

  private Swap check(Entry e) {
    if (!place(e.what, e.destination).equals(e.place)) {
      throw SolveException.failed("cannot write " + e.what + " to `" + e.destination + "`: where it leads changed"
          + " during the run (a link was made or moved); nothing was changed",
          "run again once the project's links stay put", null);
    }
    if (e.item == null || !Files.exists(e.item, LinkOption.NOFOLLOW_LINKS)) {
      throw SolveException.failed(e.what + " produced nothing", "check that the path exists in the container", null);
    }
    if (Files.exists(e.place, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(e.place)) {
      boolean newDir = Swap.isDirectory(e.item);
      boolean oldDir = Swap.isDirectory(e.place);
      if (newDir != oldDir) {
        throw SolveException.failed("cannot write " + e.what + " to `" + e.destination + "`: `" + e.destination
            + "` is a " + (oldDir ? "directory" : "file") + " and the export is a " + (newDir ? "directory" : "file")
            + "; nothing was changed", "remove or rename `" + e.destination + "`, or export to another path", null);
      }
    }
    return new Swap(e.item, e.place);
  }

  /** Where {@code destination} is written: its directory's real path, then its own name (never followed). */
  private Path place(String what, String destination) {
    String subject = "`" + destination + "`";
    ProjectRoot.Resolution whole = root.resolve(destination);
    Path lexical = whole.inside() ? Path.of(destination).normalize() : null;
    if (lexical == null || lexical.toString().isEmpty()) {
      throw SolveException.failed("cannot write " + what + ": " + (lexical == null ? whole.problem(subject)
          : subject + " is the project itself"),
          "write to a directory of the project that is not a link to elsewhere", null);
    }
    Path parent = lexical.getParent();
    ProjectRoot.Resolution dir = root.resolve(parent == null ? "." : parent.toString());
    if (!(dir instanceof ProjectRoot.Resolution.Inside in)) {
      throw SolveException.failed("cannot write " + what + ": " + dir.problem("the directory of " + subject),
          "write to a directory of the project that is not a link to elsewhere", null);
    }
    return in.real().resolve(lexical.getFileName());
  }

  private Entry entry(Path staging) {
    for (Entry e : entries) {
      if (e.staging.equals(staging)) {
        return e;
      }
    }
    throw new IllegalArgumentException("not a staging directory of this set: " + staging);
  }

  /**
   * "cannot write <what> to `dest`: No space left on device (build)": the system's words, and the
   * file named as the user knows it (a staging directory is Kiln's; its directory is the user's).
   */
  private SolveException failure(String what, String destination, IOException e, Path staging) {
    IoFailure f = IoFailure.of(e);
    List<Path> stagings = new ArrayList<>();
    entries.forEach(entry -> stagings.add(entry.staging));
    if (staging != null) {
      stagings.add(staging);
    }
    Path file = f.file() != null ? f.file().toAbsolutePath().normalize() : staging;
    for (Path s : stagings) {
      if (file != null && file.startsWith(s)) {
        file = s.getParent();
      }
    }
    String where = file == null ? "" : " (" + root.display(file) + ")";
    return SolveException.failed("cannot write " + what + " to `" + destination + "`: " + f.reason() + where,
        hint(f.reason()), e);
  }

  private static String hint(String reason) {
    if (reason.contains("No space left")) {
      return "free space on the file system of the destination, or export less";
    }
    if (reason.contains("Permission denied") || reason.contains("Operation not permitted")
        || reason.contains("Read-only")) {
      return "make the destination's directory writable for the user running kiln";
    }
    return null;
  }
}
