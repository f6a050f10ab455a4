package dev.kiln.functions;

import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads project files for evaluation-time functions: resolved inside the project by the context,
 * recorded as dependencies (so a changed file invalidates the cached evaluation), and failing with
 * messages that name the path as the pipeline wrote it.
 */
final class ProjectFiles {
  private ProjectFiles() {}

  /** The regular file {@code path} (relative to the project root), recorded as a dependency. */
  static Path file(FunctionContext context, String path) throws FunctionException {
    Path file = context.resolve(path);
    // Recorded before the checks: a missing file that later appears must invalidate the evaluation.
    context.dependsOn(file);
    if (Files.isDirectory(file)) {
      throw new FunctionException(path + " is a directory, not a file");
    }
    if (!Files.exists(file)) {
      throw new FunctionException(path + " does not exist" + rootHint(context));
    }
    return file;
  }

  /** The contents of {@link #file}, as bytes. */
  static byte[] bytes(FunctionContext context, String path) throws FunctionException {
    Path file = file(context, path);
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw unreadable(path, e);
    }
  }

  /** The contents of {@link #file}, as UTF-8 text. */
  static String text(FunctionContext context, String path) throws FunctionException {
    Path file = file(context, path);
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      throw new FunctionException(path + " is not UTF-8 text");
    } catch (IOException e) {
      throw unreadable(path, e);
    }
  }

  static FunctionException unreadable(String path, IOException e) {
    String why = e instanceof NoSuchFileException ? "it does not exist"
        : e instanceof AccessDeniedException ? "permission denied"
        : e.getMessage();
    return new FunctionException("cannot read " + path + ": " + why, e);
  }

  // Paths are relative to the project root, not to where kiln was started: say which root that is.
  private static String rootHint(FunctionContext context) {
    return " (paths are relative to the project root, " + context.projectRoot() + ")";
  }
}
