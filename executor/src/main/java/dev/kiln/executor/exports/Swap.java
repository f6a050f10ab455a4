package dev.kiln.executor.exports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Putting one received export ({@code item}, in its staging directory) at its place, beside which
 * it was staged, so that every step is a rename on one file system. What was at the place is kept
 * aside until the whole set is in place: a file by a second hard link (the place is never missing:
 * the new file replaces the old in one rename), a directory or a link by a rename.
 *
 * @param item what arrived, in a staging directory in the place's directory
 * @param place where it goes
 */
record Swap(Path item, Path place) {
  /**
   * Puts {@code item} at {@code place}.
   *
   * @return where what was at the place is kept (remove it once every swap of the set is done), or
   *     null when nothing was there
   */
  Path apply(StagingOwner owner) throws IOException {
    Path aside = null;
    if (Files.exists(place, LinkOption.NOFOLLOW_LINKS)) {
      aside = place.resolveSibling(owner.name(StagingOwner.ASIDE));
      if (isDirectory(item) || isDirectory(place) || !hardLink(aside, place)) {
        rename(place, aside);
      }
    }
    try {
      rename(item, place);
    } catch (IOException e) {
      if (aside != null && !Files.exists(place, LinkOption.NOFOLLOW_LINKS)) {
        rename(aside, place);
      }
      throw e;
    }
    return aside;
  }

  /** Undoes {@link #apply}: what was at the place goes back, the new one back into staging. */
  void undo(Path aside) throws IOException {
    if (aside == null) {
      rename(place, item);
    } else if (isDirectory(place) || isDirectory(aside)) {
      rename(place, item);
      rename(aside, place);
    } else {
      rename(aside, place);
    }
  }

  static boolean isDirectory(Path p) {
    return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
  }

  private static boolean hardLink(Path link, Path existing) {
    try {
      Files.createLink(link, existing);
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false; // no hard links here: set it aside by a rename
    }
  }

  private static void rename(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
  }
}
