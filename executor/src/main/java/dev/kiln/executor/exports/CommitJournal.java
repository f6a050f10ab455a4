package dev.kiln.executor.exports;

import dev.kiln.model.ProjectRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The swaps of one commit, written beside the first destination before any swap: a run killed
 * during a commit leaves it, and the next run completes the commit from it ({@link StaleStaging}),
 * so a task's exports land together even then. Paths are relative to the project's real root,
 * separated by NUL (the one byte no path holds).
 */
final class CommitJournal {
  private static final String HEADER = "kiln-commit 1";

  private CommitJournal() {}

  /** Writes the journal of {@code swaps} into {@code dir} (whole, by a rename) and returns it. */
  static Path write(Path dir, ProjectRoot root, List<Swap> swaps, StagingOwner owner) throws IOException {
    StringBuilder text = new StringBuilder(HEADER).append('\0');
    for (Swap s : swaps) {
      text.append(root.real().relativize(s.place())).append('\0').append(root.real().relativize(s.item())).append('\0');
    }
    String name = owner.name(StagingOwner.JOURNAL);
    Path tmp = dir.resolve(name + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Path journal = dir.resolve(name);
    Files.move(tmp, journal, StandardCopyOption.ATOMIC_MOVE);
    return journal;
  }

  /**
   * The swaps {@code journal} lists, or empty when it is incomplete or not one Kiln would write:
   * every place inside the project, every item in a staging directory of the journal's owner in its
   * place's directory (a journal from elsewhere cannot move anything else).
   */
  static Optional<List<Swap>> read(Path journal, ProjectRoot root) {
    String name = journal.getFileName().toString();
    Optional<StagingOwner> owner = StagingOwner.parse(StagingOwner.JOURNAL, name);
    if (owner.isEmpty() || name.endsWith(".tmp")) {
      return Optional.empty();
    }
    String token = owner.get().pid() + "-" + owner.get().started() + "-";
    String[] parts;
    try {
      parts = Files.readString(journal, StandardCharsets.UTF_8).split("\0", -1);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (parts.length < 1 || !parts[0].equals(HEADER) || parts.length % 2 != 0) {
      return Optional.empty();
    }
    List<Swap> swaps = new ArrayList<>();
    for (int i = 1; i + 1 < parts.length; i += 2) {
      Optional<Path> place = inside(root, parts[i]);
      Optional<Path> item = inside(root, parts[i + 1]);
      if (place.isEmpty() || item.isEmpty()) {
        return Optional.empty();
      }
      Path staging = item.get().getParent();
      if (staging == null || !staging.getParent().equals(place.get().getParent())
          || !staging.getFileName().toString().startsWith(StagingOwner.STAGING + token)) {
        return Optional.empty();
      }
      swaps.add(new Swap(item.get(), place.get()));
    }
    return Optional.of(swaps);
  }

  /** {@code rel} as written: its directory's real path inside the project, then its name. */
  private static Optional<Path> inside(ProjectRoot root, String rel) {
    Path p = Path.of(rel).normalize();
    Path parent = p.getParent();
    if (p.toString().isEmpty() || p.startsWith("..") || p.isAbsolute()) {
      return Optional.empty();
    }
    ProjectRoot.Resolution dir = root.resolve(parent == null ? "." : parent.toString());
    return dir instanceof ProjectRoot.Resolution.Inside in ? Optional.of(in.real().resolve(p.getFileName()))
        : Optional.empty();
  }
}
