package dev.kiln.functions;

import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.dircache.DirCacheIterator;
import org.eclipse.jgit.errors.NoWorkTreeException;
import org.eclipse.jgit.errors.RevisionSyntaxException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.FileTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.WorkingTreeIterator;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * The Git repository holding a project, read with JGit. Only this class names JGit types, and only
 * the {@code git} functions' {@code call} methods reach it, so JGit's classes load (and its start-up
 * cost is paid) only when a pipeline calls a git function.
 */
final class GitRepository implements AutoCloseable {
  private final Repository repo;

  private GitRepository(Repository repo) {
    this.repo = repo;
  }

  /**
   * The repository holding {@code context}'s project root (found from there upwards). Each function
   * then says what its answer depends on: {@link #watchHead} or {@link FunctionContext#uncacheable}.
   */
  static GitRepository of(FunctionContext context) throws FunctionException {
    Path root = context.projectRoot();
    FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(root.toFile());
    if (builder.getGitDir() == null) {
      throw new FunctionException(root + " is not in a Git repository (nor is any directory above it);"
          + " git functions read the repository the project was checked out from: run Kiln in a clone");
    }
    try {
      return new GitRepository(builder.setMustExist(true).build());
    } catch (IOException e) {
      throw new FunctionException("cannot open the Git repository " + builder.getGitDir() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Makes the evaluation depend on the files that decide HEAD's commit and branch: {@code HEAD},
   * the checked-out branch's ref file and {@code packed-refs}; with them unchanged, so are the
   * commit and branch, and the evaluation can be reused. A repository whose refs are not files
   * (reftable) makes it uncacheable.
   */
  void watchHead(FunctionContext context) throws FunctionException {
    if (!(repo.getRefDatabase() instanceof org.eclipse.jgit.internal.storage.file.RefDirectory)) {
      context.uncacheable();
      return;
    }
    Path gitDir = repo.getDirectory().toPath();
    Path common = repo.getCommonDirectory().toPath();
    context.dependsOn(gitDir.resolve(Constants.HEAD));
    context.dependsOn(common.resolve(Constants.PACKED_REFS));
    try {
      String full = repo.getFullBranch();
      if (full != null && full.startsWith(Constants.R_REFS)) {
        context.dependsOn(common.resolve(full));
      }
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /** HEAD's commit id, abbreviated to a unique prefix of at least {@code length} digits if positive. */
  String sha(int length) throws FunctionException {
    try {
      ObjectId head = head();
      if (length <= 0) {
        return head.name();
      }
      try (ObjectReader reader = repo.newObjectReader()) {
        return reader.abbreviate(head, length).name();
      }
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /** The checked-out branch's short name; empty when HEAD is detached. */
  String branch() throws FunctionException {
    try {
      String full = repo.getFullBranch();
      return full != null && full.startsWith(Constants.R_HEADS) ? full.substring(Constants.R_HEADS.length()) : "";
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /** Whether tracked files changed (staged or not) or untracked files that are not ignored exist. */
  boolean dirty() throws FunctionException {
    try (Git git = new Git(repo)) {
      return !git.status().call().isClean();
    } catch (NoWorkTreeException e) {
      throw bare();
    } catch (GitAPIException e) {
      throw new FunctionException("cannot read the state of " + repo.getWorkTree() + ": " + e.getMessage(), e);
    }
  }

  /** A tag pointing at HEAD: an annotated one before a lightweight one, then the highest version. */
  String tagAtHead() throws FunctionException {
    try {
      ObjectId head = repo.resolve(Constants.HEAD);
      if (head == null) {
        return ""; // no commits, so nothing tagged
      }
      List<Ref> tags = new ArrayList<>();
      for (Ref ref : repo.getRefDatabase().getRefsByPrefix(Constants.R_TAGS)) {
        Ref peeled = repo.getRefDatabase().peel(ref);
        ObjectId target = peeled.getPeeledObjectId() != null ? peeled.getPeeledObjectId() : peeled.getObjectId();
        if (head.equals(target)) {
          tags.add(peeled);
        }
      }
      return tags.stream()
          .max(Comparator.comparing((Ref r) -> r.getPeeledObjectId() != null)
              .thenComparing(r -> shortTag(r), GitRepository::compareTagNames))
          .map(GitRepository::shortTag)
          .orElse("");
    } catch (IOException e) {
      throw failure(e);
    }
  }

  private static String shortTag(Ref ref) {
    return ref.getName().substring(Constants.R_TAGS.length());
  }

  // By version where both are (an optional leading v), else by name.
  private static int compareTagNames(String a, String b) {
    String va = a.startsWith("v") ? a.substring(1) : a;
    String vb = b.startsWith("v") ? b.substring(1) : b;
    if (SemVer.isValid(va) && SemVer.isValid(vb)) {
      return SemVer.parse(va).compareTo(SemVer.parse(vb));
    }
    return a.compareTo(b);
  }

  /**
   * The paths (relative to the repository root, {@code /}-separated, sorted) that differ between
   * the commit {@code since} names and the work tree: committed, staged and unstaged changes,
   * deleted files, and untracked files that are not ignored.
   */
  List<String> changedFiles(String since) throws FunctionException {
    ObjectId tree;
    try {
      tree = repo.resolve(since + "^{tree}");
    } catch (RevisionSyntaxException | IOException e) {
      throw new FunctionException("`" + since + "` is not a Git revision: " + e.getMessage(), e);
    }
    if (tree == null) {
      throw new FunctionException("`" + since + "` names no commit in " + repo.getDirectory()
          + "; CI checkouts are often shallow or of one branch: fetch it first (e.g. `git fetch origin main`"
          + " and compare with `origin/main`)");
    }
    TreeSet<String> changed = new TreeSet<>();
    try (ObjectReader reader = repo.newObjectReader(); TreeWalk walk = new TreeWalk(repo, reader)) {
      CanonicalTreeParser commit = new CanonicalTreeParser();
      commit.reset(reader, tree);
      walk.addTree(commit);
      walk.addTree(new DirCacheIterator(repo.readDirCache()));
      FileTreeIterator work = new FileTreeIterator(repo);
      walk.addTree(work);
      // With the index attached, unchanged files are recognised by their index entry's stat data
      // instead of being hashed.
      work.setDirCacheIterator(walk, 1);
      walk.setRecursive(true);
      walk.setFilter(new SkipIgnoredUntracked());
      while (walk.next()) {
        if (differs(walk)) {
          changed.add(walk.getPathString());
        }
      }
    } catch (NoWorkTreeException e) {
      throw bare();
    } catch (IOException e) {
      throw failure(e);
    }
    return List.copyOf(changed);
  }

  private static boolean differs(TreeWalk walk) {
    FileMode inCommit = walk.getFileMode(0);
    FileMode inWork = walk.getFileMode(2);
    if (inCommit == FileMode.MISSING || inWork == FileMode.MISSING) {
      return inCommit != inWork;
    }
    if (!inCommit.equals(inWork)) {
      return true;
    }
    WorkingTreeIterator work = walk.getTree(2, WorkingTreeIterator.class);
    return !walk.getObjectId(0).equals(work.getEntryObjectId());
  }

  /** Leaves out what is ignored and neither committed nor staged (whole ignored directories too). */
  private static final class SkipIgnoredUntracked extends TreeFilter {
    @Override
    public boolean include(TreeWalk walk) throws IOException {
      if (walk.getFileMode(0) != FileMode.MISSING || walk.getFileMode(1) != FileMode.MISSING) {
        return true;
      }
      WorkingTreeIterator work = walk.getTree(2, WorkingTreeIterator.class);
      return work == null || !work.isEntryIgnored();
    }

    @Override
    public boolean shouldBeRecursive() {
      return false;
    }

    @Override
    public TreeFilter clone() {
      return this;
    }
  }

  private ObjectId head() throws IOException, FunctionException {
    ObjectId head = repo.resolve(Constants.HEAD);
    if (head == null) {
      throw new FunctionException("the Git repository " + repo.getDirectory() + " has no commits yet");
    }
    return head;
  }

  private FunctionException bare() {
    return new FunctionException("the Git repository " + repo.getDirectory() + " is bare: it has no work tree");
  }

  private FunctionException failure(IOException e) {
    return new FunctionException("cannot read the Git repository " + repo.getDirectory() + ": " + e.getMessage(), e);
  }

  @Override
  public void close() {
    repo.close();
  }
}
