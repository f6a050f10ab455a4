package dev.kiln.model;

import dev.kiln.function.FunctionException;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Paths functions give, resolved inside a project root and refused outside it: absolute paths,
 * {@code ..} escapes and symbolic links that lead out (functions see only the project, as the
 * pipeline does). One rule for evaluation-time and run-time calls, {@link ProjectRoot}'s.
 */
public final class ProjectPaths {
  private ProjectPaths() {}

  /**
   * {@code path} resolved against {@code root}.
   *
   * @throws FunctionException when {@code path} is not a path, is absolute, or leads out of the root
   */
  public static Path resolve(Path root, String path) throws FunctionException {
    Path p;
    try {
      p = Path.of(path);
    } catch (InvalidPathException e) {
      throw new FunctionException("`" + path + "` is not a valid path: " + e.getReason());
    }
    if (p.isAbsolute()) {
      throw new FunctionException("`" + path + "` is absolute; functions see only the project: give a path"
          + " relative to its root");
    }
    Path base = root.toAbsolutePath().normalize();
    boolean inside;
    try {
      inside = ProjectRoot.of(base).resolve(p.toString()).inside();
    } catch (IOException e) {
      inside = false;
    }
    if (!inside) {
      throw new FunctionException("`" + path + "` is outside the project; functions see only the project's files");
    }
    return base.resolve(p).normalize();
  }
}
