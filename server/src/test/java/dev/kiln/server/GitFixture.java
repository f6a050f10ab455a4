package dev.kiln.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;

/** A repository for tests: commits files on branches; the server fetches it by its path. */
final class GitFixture implements AutoCloseable {
  private final Git git;
  final Path dir;

  GitFixture(Path dir) throws GitAPIException {
    this.dir = dir;
    this.git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
  }

  /** Commits {@code files} (path -> contents) on the current branch; returns the commit. */
  String commit(Map<String, String> files, String message) throws IOException, GitAPIException {
    for (var f : files.entrySet()) {
      Path p = dir.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue());
    }
    git.add().addFilepattern(".").call();
    PersonIdent me = new PersonIdent("Kiln Test", "test@kiln.dev");
    return git.commit().setMessage(message).setAuthor(me).setCommitter(me).call().name();
  }

  /** Switches to {@code branch}, creating it from the current commit when it does not exist. */
  void branch(String branch) throws GitAPIException, IOException {
    boolean exists = git.getRepository().findRef("refs/heads/" + branch) != null;
    git.checkout().setName(branch).setCreateBranch(!exists).call();
  }

  @Override
  public void close() {
    git.close();
  }
}
