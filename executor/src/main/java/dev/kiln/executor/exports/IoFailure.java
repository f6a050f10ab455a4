package dev.kiln.executor.exports;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * An I/O error said the way the system says it ("No space left on device", "Permission denied"):
 * Java gives some as exception types whose message is only the file's path.
 *
 * @param reason the system's words for the error
 * @param file the file it concerns, or null when the error does not say
 */
record IoFailure(String reason, Path file) {
  static IoFailure of(IOException e) {
    Path file = e instanceof FileSystemException f && f.getFile() != null ? Path.of(f.getFile()) : null;
    return new IoFailure(reason(e), file);
  }

  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "Permission denied";
    } else if (e instanceof NoSuchFileException) {
      return "No such file or directory";
    } else if (e instanceof FileAlreadyExistsException) {
      return "File exists";
    } else if (e instanceof DirectoryNotEmptyException) {
      return "Directory not empty";
    } else if (e instanceof NotDirectoryException) {
      return "Not a directory";
    } else if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
