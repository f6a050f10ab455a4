package dev.kiln.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;

/**
 * The repository {@code kiln serve} runs pipelines of: a bare mirror in the server's data
 * directory, fetched from the configured remote (a URL or a local path) before each run. Every ref
 * is mirrored, so pull requests' heads ({@code refs/pull/N/head}, {@code refs/merge-requests/N/head})
 * can be checked out too. A workspace borrows the mirror's objects (like {@code git clone --shared})
 * and gets the commit's files, with a detached {@code HEAD}.
 */
final class SourceRepository {
  private final String remote;
  private final Path mirror;

  SourceRepository(String remote, Path mirror) {
    this.remote = remote;
    this.mirror = mirror.toAbsolutePath();
  }

  /** Brings the mirror up to date with the remote (cloning it the first time). */
  synchronized void fetch() throws IOException {
    try {
      if (!Files.isDirectory(mirror.resolve("objects"))) {
        Files.createDirectories(mirror.getParent());
        Git.cloneRepository().setURI(remote).setDirectory(mirror.toFile()).setBare(true).setMirror(true).call().close();
        return;
      }
      try (Git git = Git.open(mirror.toFile())) {
        git.fetch().setRemote(remote).setRefSpecs(new RefSpec("+refs/*:refs/*")).setRemoveDeletedRefs(true).call();
      }
    } catch (GitAPIException | RuntimeException e) {
      throw new IOException("cannot fetch " + remote + ": " + e.getMessage(), e);
    }
  }

  /** The commit {@code branch} points at in the mirror, if the branch exists. */
  synchronized Optional<String> branchHead(String branch) throws IOException {
    try (Repository repo = open()) {
      ObjectId id = repo.resolve("refs/heads/" + branch + "^{commit}");
      return Optional.ofNullable(id).map(ObjectId::name);
    }
  }

  /**
   * Writes {@code commit}'s files into the new directory {@code workspace}, with a {@code .git}
   * whose {@code HEAD} is that commit.
   *
   * @throws IOException when the commit is not in the mirror, or the files cannot be written
   */
  void checkout(String commit, Path workspace) throws IOException {
    Files.createDirectories(workspace);
    try (Git git = Git.init().setDirectory(workspace.toFile()).call()) {
      Path info = workspace.resolve(".git/objects/info");
      Files.createDirectories(info);
      Files.writeString(info.resolve("alternates"), mirror.resolve("objects") + "\n");
    } catch (GitAPIException e) {
      throw new IOException("cannot create a workspace in " + workspace + ": " + e.getMessage(), e);
    }
    try (Git git = Git.open(workspace.toFile())) {
      ObjectId id = git.getRepository().resolve(commit + "^{commit}");
      if (id == null) {
        throw new IOException("commit " + commit + " is not in " + remote);
      }
      git.checkout().setName(id.name()).call();
    } catch (GitAPIException | RuntimeException e) {
      throw new IOException("cannot check out " + commit + ": " + e.getMessage(), e);
    }
  }

  /**
   * The files that differ between {@code commit} and where it left {@code base} (their merge base):
   * what a push or a pull request changed, as paths relative to the repository root.
   */
  synchronized List<String> changedFiles(String base, String commit) throws IOException {
    try (Repository repo = open(); RevWalk walk = new RevWalk(repo); ObjectReader reader = repo.newObjectReader()) {
      RevCommit head = walk.parseCommit(repo.resolve(commit + "^{commit}"));
      RevCommit from = walk.parseCommit(repo.resolve(base + "^{commit}"));
      walk.setRevFilter(RevFilter.MERGE_BASE);
      walk.markStart(head);
      walk.markStart(from);
      RevCommit mergeBase = walk.next();
      CanonicalTreeParser a = new CanonicalTreeParser();
      a.reset(reader, (mergeBase != null ? mergeBase : from).getTree());
      CanonicalTreeParser b = new CanonicalTreeParser();
      b.reset(reader, head.getTree());
      List<String> out = new ArrayList<>();
      try (Git git = new Git(repo)) {
        for (DiffEntry d : git.diff().setOldTree(a).setNewTree(b).call()) {
          if (!d.getNewPath().equals(DiffEntry.DEV_NULL)) {
            out.add(d.getNewPath());
          }
          if (!d.getOldPath().equals(DiffEntry.DEV_NULL) && !d.getOldPath().equals(d.getNewPath())) {
            out.add(d.getOldPath());
          }
        }
      }
      return out;
    } catch (GitAPIException | RuntimeException e) {
      throw new IOException("cannot compare " + base + " with " + commit + ": " + e.getMessage(), e);
    }
  }

  private Repository open() throws IOException {
    return new FileRepositoryBuilder().setGitDir(mirror.toFile()).setMustExist(true).build();
  }
}
