package dev.kiln.executor;

import dev.kiln.executor.filesync.GitIgnores;
import dev.kiln.model.Pipeline;
import dev.kiln.planner.HostDirectories;
import dev.kiln.planner.HostIgnores;
import dev.kiln.planner.IgnoreFile;
import dev.kiln.planner.PathPatterns;
import dev.kiln.planner.PlanException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ignore patterns of a pipeline's host directories, read for the planner (which reads no
 * files), in the order they apply (a later {@code !} re-includes): what is Kiln's or git's own
 * ({@code .git}, {@code .kiln}, the pipeline file and the modules it imports), then git's rules
 * ({@link PathPatterns#GIT_RULES}: every {@code .gitignore} that applies, nested ones included, and
 * {@code info/exclude}, as git reads them; see {@link GitIgnores}), then the directory's {@code
 * .dockerignore}, then its {@code .kilnignore}. So a commit, an edited
 * pipeline or a git-ignored build output changes nothing a step reads; a {@code .kilnignore} line
 * such as {@code !build/generated} or {@code !.git} sends it anyway.
 */
public final class IgnoreFiles {
  private IgnoreFiles() {}

  /**
   * Host directory, as the pipeline names it, -> its patterns, with and without git's.
   *
   * @param kilnFiles the pipeline file and the modules it imports (absolute), never sent
   * @throws PlanException when an ignore file exists but cannot be read
   */
  public static Map<String, HostIgnores> of(Pipeline pipeline, Path project, Collection<Path> kilnFiles) {
    Path root = project.toAbsolutePath().normalize();
    Map<String, HostIgnores> out = new TreeMap<>();
    for (String dir : HostDirectories.of(pipeline)) {
      Path d = root.resolve(dir).normalize();
      IgnoreFile own = own(d, root, kilnFiles);
      IgnoreFile local = read(d.resolve(".dockerignore")).then(read(d.resolve(".kilnignore")));
      IgnoreFile git = new IgnoreFile(List.of(PathPatterns.GIT_RULES));
      out.put(dir, new HostIgnores(own.then(git).then(local), own.then(local), GitIgnores.under(d)));
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

  /** {@code .git}, {@code .kiln} and Kiln's files, where they are inside {@code dir}. */
  private static IgnoreFile own(Path dir, Path root, Collection<Path> kilnFiles) {
    List<Path> own = new ArrayList<>(List.of(root.resolve(".git"), root.resolve(".kiln")));
    kilnFiles.forEach(f -> own.add(f.toAbsolutePath().normalize()));
    List<String> patterns = new ArrayList<>();
    for (Path p : own) {
      if (p.startsWith(dir) && !p.equals(dir)) {
        patterns.add(dir.relativize(p).toString().replace('\\', '/'));
      }
    }
    return new IgnoreFile(patterns);
  }

  private static IgnoreFile read(Path file) {
    return IgnoreFile.parse(text(file));
  }

  private static String text(Path file) {
    if (!Files.isRegularFile(file)) {
      return "";
    }
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new PlanException("cannot read " + file + ": " + e.getMessage(),
          "check the file's permissions, or remove it");
    }
  }
}
