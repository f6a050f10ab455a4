package dev.kiln.model;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A place in a user's file: 1-based line and column, rendered as {@code file:line:col}.
 *
 * @param file the file, relative to the working directory when possible
 * @param line 1-based line, or 0 when only the file is known
 * @param column 1-based column, or 0 when only the line is known
 */
public record SourceLocation(Path file, int line, int column) {
  public SourceLocation {
    Objects.requireNonNull(file, "file");
    if (line < 0 || column < 0) {
      throw new IllegalArgumentException("line and column must be >= 0: " + line + ":" + column);
    }
  }

  /** A location naming only a file. */
  public static SourceLocation of(Path file) {
    return new SourceLocation(file, 0, 0);
  }

  /**
   * This location, whose file is relative to {@code dir}, as a person at the working directory
   * reads it: relative to the working directory when the file is below it, else absolute.
   */
  public SourceLocation in(Path dir) {
    Path abs = dir.resolve(file).toAbsolutePath().normalize();
    Path cwd = Path.of("").toAbsolutePath();
    return new SourceLocation(abs.startsWith(cwd) ? cwd.relativize(abs) : abs, line, column);
  }

  @Override
  public String toString() {
    if (line == 0) {
      return file.toString();
    }
    return column == 0 ? file + ":" + line : file + ":" + line + ":" + column;
  }
}
