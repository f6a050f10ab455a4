package dev.kiln.executor;

import dev.kiln.model.Pipeline;
import dev.kiln.planner.HostDirectories;
import dev.kiln.planner.IgnoreFile;
import dev.kiln.planner.PlanException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ignore files of a pipeline's host directories, read for the planner (which reads no files):
 * each directory's {@code .dockerignore} followed by its {@code .kilnignore}, which may re-include
 * with {@code !}.
 */
public final class IgnoreFiles {
  private IgnoreFiles() {}

  /**
   * Host directory, as the pipeline names it, -> its patterns.
   *
   * @throws PlanException when an ignore file exists but cannot be read
   */
  public static Map<String, IgnoreFile> of(Pipeline pipeline, Path project) {
    Map<String, IgnoreFile> out = new TreeMap<>();
    for (String dir : HostDirectories.of(pipeline)) {
      Path d = project.resolve(dir);
      out.put(dir, read(d.resolve(".dockerignore")).then(read(d.resolve(".kilnignore"))));
    }
    return out;
  }

  /**
   * Host Dockerfile, by project-relative path, -> the patterns that replace its build context's
   * {@code .dockerignore}: its {@code <Dockerfile>.dockerignore} (BuildKit's rule), followed by the
   * context's {@code .kilnignore}; only Dockerfiles that have one.
   *
   * @throws PlanException when an ignore file exists but cannot be read
   */
  public static Map<String, IgnoreFile> ofDockerfiles(Pipeline pipeline, Path project) {
    Map<String, IgnoreFile> out = new TreeMap<>();
    for (HostDirectories.HostDockerfile f : HostDirectories.dockerfiles(pipeline)) {
      Path own = project.resolve(f.path() + ".dockerignore");
      if (f.context() != null && Files.isRegularFile(own)) {
        out.put(f.path(), read(own).then(read(project.resolve(f.context()).resolve(".kilnignore"))));
      }
    }
    return out;
  }

  private static IgnoreFile read(Path file) {
    if (!Files.isRegularFile(file)) {
      return IgnoreFile.EMPTY;
    }
    try {
      return IgnoreFile.parse(Files.readString(file));
    } catch (IOException e) {
      throw new PlanException("cannot read " + file + ": " + e.getMessage(),
          "check the file's permissions, or remove it");
    }
  }
}
