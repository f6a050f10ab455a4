package dev.kiln.executor.filesync;

import dev.kiln.planner.GitIgnoreFile;
import dev.kiln.planner.GitIgnored;
import dev.kiln.planner.PlanException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What git ignores inside one host directory, read from disk as git reads it: the repository's
 * {@code info/exclude} (its common directory's, in a worktree), then each {@code .gitignore} from
 * the repository's top down to the path's own directory, a deeper file deciding before a shallower
 * one. Each directory's {@code .gitignore} is read the first time a path in it is asked about, so
 * the file sender's walk reads each once and {@code --affected} only those on changed files' paths.
 * The user's {@code core.excludesFile} is not read: a context must not depend on whose machine
 * builds it. Paths are relative to the host directory, which itself is never ignored (the pipeline
 * named it).
 *
 * <p>Why not {@code git ls-files --others --ignored --exclude-standard}: the sender stats every entry
 * it lists anyway (fsutil sends mode, size and time), so git's listing would be a second walk in a
 * second process, not a saved one; it needs git and a repository; and it keeps tracked files however
 * the rules read, so staging a file would change what a step reads. Here the rules alone decide, as
 * {@code git check-ignore --no-index} does.
 */
public final class GitIgnores implements GitIgnored {
  /** A rule file and the path from its directory to the host directory ({@code ""}: the same). */
  private record Above(GitIgnoreFile file, String toRoot) {}

  private final Path root;
  private final List<Above> above;
  private final Map<String, GitIgnoreFile> nested = new ConcurrentHashMap<>();
  private final Map<String, Boolean> dirs = new ConcurrentHashMap<>();

  private GitIgnores(Path root, List<Above> above) {
    this.root = root;
    this.above = above;
  }

  /**
   * The rules for {@code dir}: those of the repository around it, or, outside a repository, only
   * the {@code .gitignore} files inside it.
   *
   * @throws PlanException when a rule file exists but cannot be read
   */
  public static GitIgnores under(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    List<Above> above = new ArrayList<>();
    Path top = null;
    for (Path p = root; p != null; p = p.getParent()) {
      if (Files.exists(p.resolve(".git"))) {
        top = p;
        break;
      }
    }
    if (top != null) {
      above.add(new Above(read(commonDir(top.resolve(".git")).resolve("info/exclude")), rel(top, root)));
      for (Path p = root.getParent(); p != null && p.startsWith(top); p = p.getParent()) {
        above.add(1, new Above(read(p.resolve(".gitignore")), rel(p, root)));
      }
    }
    above.removeIf(a -> a.file().isEmpty());
    return new GitIgnores(root, List.copyOf(above));
  }

  @Override
  public boolean matched(String path, boolean isDir) {
    if (isDir) {
      return dirs.computeIfAbsent(path, p -> decide(p, true));
    }
    return decide(path, false);
  }

  private boolean decide(String path, boolean isDir) {
    // Deepest file first: the first one with a matching rule decides.
    for (int slash = path.lastIndexOf('/'); ; slash = path.lastIndexOf('/', slash - 1)) {
      String dir = slash < 0 ? "" : path.substring(0, slash);
      GitIgnoreFile.Verdict v = fileIn(dir).decide(path.substring(slash + 1), isDir);
      if (v != GitIgnoreFile.Verdict.NONE) {
        return v == GitIgnoreFile.Verdict.IGNORED;
      }
      if (slash < 0) {
        break;
      }
    }
    for (int i = above.size() - 1; i >= 0; i--) {
      Above a = above.get(i);
      GitIgnoreFile.Verdict v = a.file().decide(a.toRoot().isEmpty() ? path : a.toRoot() + "/" + path, isDir);
      if (v != GitIgnoreFile.Verdict.NONE) {
        return v == GitIgnoreFile.Verdict.IGNORED;
      }
    }
    return false;
  }

  private GitIgnoreFile fileIn(String dir) {
    return nested.computeIfAbsent(dir, d -> read(root.resolve(d).resolve(".gitignore")));
  }

  /** The directory holding {@code info/}: {@code .git} itself, or a worktree's common directory. */
  private static Path commonDir(Path dotGit) {
    try {
      if (!Files.isRegularFile(dotGit)) {
        return dotGit;
      }
      String line = Files.readString(dotGit).strip();
      if (!line.startsWith("gitdir:")) {
        return dotGit;
      }
      Path gitDir = dotGit.getParent().resolve(line.substring(7).strip()).normalize();
      Path common = gitDir.resolve("commondir");
      return Files.isRegularFile(common) ? gitDir.resolve(Files.readString(common).strip()).normalize() : gitDir;
    } catch (IOException e) {
      return dotGit; // not a repository git can use either
    }
  }

  private static String rel(Path from, Path to) {
    return from.relativize(to).toString().replace('\\', '/');
  }

  private static GitIgnoreFile read(Path file) {
    if (!Files.isRegularFile(file)) {
      return GitIgnoreFile.EMPTY;
    }
    try {
      return GitIgnoreFile.parse(Files.readString(file));
    } catch (IOException e) {
      throw new PlanException("cannot read " + file + ": " + e.getMessage(),
          "check the file's permissions, or remove it");
    }
  }
}
