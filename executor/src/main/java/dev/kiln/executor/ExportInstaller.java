package dev.kiln.executor;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;

/**
 * Puts a received export in place. The engine's files land in a staging directory next to the
 * destination first; only a complete export replaces what was there, with renames on the same
 * file system, so a failed run never leaves a half-written file or directory behind.
 */
public final class ExportInstaller {
  private ExportInstaller() {}

  /** A fresh staging directory on the destination's file system. */
  public static Path staging(Path destination) throws IOException {
    Path parent = destination.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    return parent.resolve(".kiln-export-" + UUID.randomUUID());
  }

  /**
   * Moves {@code received} (a file or directory inside a staging directory) to {@code destination},
   * replacing it. A directory destination is swapped: the old one is renamed aside, the new one
   * renamed in, then the old one deleted.
   */
  public static void install(Path received, Path destination) throws IOException {
    Path dest = destination.toAbsolutePath();
    Files.createDirectories(dest.getParent());
    if (!Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS)) {
      move(received, dest);
      return;
    }
    Path aside = dest.resolveSibling(".kiln-old-" + UUID.randomUUID());
    move(dest, aside);
    try {
      move(received, dest);
    } catch (IOException e) {
      move(aside, dest); // put the old one back: nothing is lost
      throw e;
    }
    deleteTree(aside);
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot replace " + to + " atomically (staging area on another file system)", e);
    }
  }

  /** Deletes a tree without following symlinks; missing is fine. */
  public static void deleteTree(Path root) throws IOException {
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
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
