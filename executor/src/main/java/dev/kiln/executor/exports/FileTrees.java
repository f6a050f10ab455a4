package dev.kiln.executor.exports;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Removing a tree Kiln wrote (a staging directory, an old copy, a temporary input). */
public final class FileTrees {
  private FileTrees() {}

  /** Deletes {@code root} and everything under it, never following a link out of it; missing is fine. */
  public static void delete(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
        if (exc != null) {
          throw exc;
        }
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /** Like {@link #delete}, for cleaning up: a failure only leaves the tree for the next run to remove. */
  static void deleteQuietly(Path root) {
    try {
      delete(root);
    } catch (IOException e) {
      // stale: removed by a later run (StaleStaging), once this process is gone
    }
  }
}
