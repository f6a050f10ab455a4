package dev.kiln.evaluator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What a path is, as far as reading it goes: only a regular file can be read to its end. A FIFO
 * blocks until something writes to it, a device may never end, a directory or socket has no text.
 */
enum FileKind {
  REGULAR("a regular file"),
  DIRECTORY("a directory"),
  FIFO("a named pipe (FIFO)"),
  CHARACTER_DEVICE("a character device"),
  BLOCK_DEVICE("a block device"),
  SOCKET("a socket"),
  OTHER("not a regular file"),
  MISSING("missing");

  private final String description;

  FileKind(String description) {
    this.description = description;
  }

  /** How a sentence names this kind, e.g. "a named pipe (FIFO)". */
  String description() {
    return description;
  }

  /** The kind of {@code path}, following symbolic links. */
  static FileKind of(Path path) {
    try {
      var attributes = Files.readAttributes(path, BasicFileAttributes.class);
      if (attributes.isRegularFile()) {
        return REGULAR;
      }
      if (attributes.isDirectory()) {
        return DIRECTORY;
      }
      return special(path);
    } catch (NoSuchFileException e) {
      return MISSING;
    } catch (IOException | SecurityException e) {
      return OTHER;
    }
  }

  /** FIFOs, devices and sockets, told apart by the file type bits of {@code st_mode} where the platform has them. */
  private static FileKind special(Path path) {
    try {
      int mode = (Integer) Files.getAttribute(path, "unix:mode");
      return switch (mode & 0170000) {
        case 0010000 -> FIFO;
        case 0020000 -> CHARACTER_DEVICE;
        case 0060000 -> BLOCK_DEVICE;
        case 0140000 -> SOCKET;
        default -> OTHER;
      };
    } catch (IOException | RuntimeException e) {
      return OTHER; // no unix view (Windows): still not a regular file
    }
  }

  /**
   * Refuses to read {@code path} unless it is a regular file (or missing, which the reader reports
   * itself): reading a FIFO would block the evaluation, a device could return data without end.
   */
  static void requireReadable(Path path) throws IOException {
    FileKind kind = of(path);
    if (kind != REGULAR && kind != MISSING) {
      throw new IOException("`" + PklErrors.display(path) + "` is " + kind.description()
          + ", not a regular file; a pipeline reads only regular files");
    }
  }
}
