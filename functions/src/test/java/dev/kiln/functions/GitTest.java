package dev.kiln.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionException;
import dev.kiln.function.KilnFunction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The git functions against real repositories, made with JGit in temporary directories. */
class GitTest {
  @TempDir Path repoDir;
  Git git;
  TestContext context;

  @BeforeEach
  void init() throws Exception {
    git = Git.init().setDirectory(repoDir.toFile()).setInitialBranch("main").call();
    context = new TestContext(repoDir);
  }

  @AfterEach
  void close() {
    git.close();
  }

  private RevCommit commit(String message, String... pathsAndContents) throws Exception {
    for (int i = 0; i < pathsAndContents.length; i += 2) {
      write(pathsAndContents[i], pathsAndContents[i + 1]);
      git.add().addFilepattern(pathsAndContents[i]).call();
    }
    return git.commit().setMessage(message).setAuthor("Kiln", "kiln@example.com")
        .setCommitter("Kiln", "kiln@example.com").setSign(false).call();
  }

  private void write(String path, String text) throws Exception {
    Path p = repoDir.resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  private Object call(KilnFunction f, Object... keysAndValues) throws FunctionException {
    Map<String, Object> args = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      args.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return f.call(Arguments.of(args), context);
  }

  @Test
  void shaIsHeadsCommitFullOrShort() throws Exception {
    commit("first", "a.txt", "1");
    RevCommit second = commit("second", "a.txt", "2");
    assertThat(call(new GitSha())).isEqualTo(second.name());
    assertThat(call(new GitSha(), "short", true)).isEqualTo(second.name().substring(0, 7));
    assertThat(call(new GitSha(), "short", false)).isEqualTo(second.name());
    // reusable until HEAD moves: the evaluation depends on HEAD and the branch's ref, not on everything
    assertThat(context.uncacheable).isZero();
    assertThat(context.dependencies).contains(repoDir.resolve(".git/HEAD"), repoDir.resolve(".git/refs/heads/main"),
        repoDir.resolve(".git/packed-refs"));
  }

  @Test
  void theRepositoryIsFoundFromTheProjectRootUpwards() throws Exception {
    RevCommit c = commit("first", "services/api/pipeline.pkl", "x");
    context = new TestContext(repoDir.resolve("services/api"));
    assertThat(call(new GitSha())).isEqualTo(c.name());
    assertThat(call(new GitBranch())).isEqualTo("main");
  }

  @Test
  void outsideARepositoryTheErrorSaysSo(@TempDir Path plain) {
    context = new TestContext(plain);
    assertThatThrownBy(() -> call(new GitSha()))
        .isInstanceOf(FunctionException.class)
        .hasMessage(context.root + " is not in a Git repository (nor is any directory above it); git functions"
            + " read the repository the project was checked out from: run Kiln in a clone");
  }

  @Test
  void aRepositoryWithoutCommits() throws Exception {
    assertThatThrownBy(() -> call(new GitSha())).hasMessageEndingWith("has no commits yet");
    assertThat(call(new GitBranch())).isEqualTo("main");
    assertThat(call(new GitTag())).isEqualTo("");
  }

  @Test
  void branchIsEmptyWhenHeadIsDetached() throws Exception {
    RevCommit first = commit("first", "a.txt", "1");
    git.checkout().setCreateBranch(true).setName("feature/x").call();
    assertThat(call(new GitBranch())).isEqualTo("feature/x");
    git.checkout().setName(first.name()).call();
    assertThat(call(new GitBranch())).isEqualTo("");
    assertThat(call(new GitSha())).isEqualTo(first.name());
  }

  @Test
  void dirtyMeansTrackedChangesOrUntrackedFilesThatAreNotIgnored() throws Exception {
    commit("first", "a.txt", "1", ".gitignore", "build/\n*.log\n");
    assertThat(call(new GitDirty())).isEqualTo(false);
    write("build/out.jar", "ignored");
    write("x.log", "ignored");
    assertThat(call(new GitDirty())).as("ignored files").isEqualTo(false);
    write("a.txt", "2");
    assertThat(call(new GitDirty())).as("modified").isEqualTo(true);
    write("a.txt", "1");
    assertThat(call(new GitDirty())).as("modified back").isEqualTo(false);
    write("new.txt", "n");
    assertThat(call(new GitDirty())).as("untracked").isEqualTo(true);
    git.add().addFilepattern("new.txt").call();
    assertThat(call(new GitDirty())).as("staged").isEqualTo(true);
    commit("second");
    assertThat(call(new GitDirty())).isEqualTo(false);
    Files.delete(repoDir.resolve("a.txt"));
    assertThat(call(new GitDirty())).as("deleted").isEqualTo(true);
    assertThat(context.uncacheable).as("the work tree cannot be watched file by file").isEqualTo(8);
  }

  @Test
  void changedFilesSinceARefIncludeCommittedStagedUnstagedAndUntrackedChanges() throws Exception {
    commit("base", "a.txt", "1", "b.txt", "1", "same.txt", "1", "dir/keep.txt", "1", ".gitignore", "build/\n");
    git.tag().setName("base").setAnnotated(false).call();
    // committed since base: a modified, b deleted, c added
    write("a.txt", "2");
    git.rm().addFilepattern("b.txt").call();
    commit("change", "a.txt", "2", "c.txt", "1");
    // uncommitted: staged e, unstaged edit of dir/keep.txt, untracked d, ignored build/, same.txt edited back
    commit("noop", "same.txt", "2");
    write("same.txt", "1");
    write("e.txt", "staged");
    git.add().addFilepattern("e.txt").call();
    write("dir/keep.txt", "2");
    write("d.txt", "untracked");
    write("build/out/app.jar", "ignored");

    assertThat(call(new GitChangedFiles(), "since", "base"))
        .isEqualTo(List.of("a.txt", "b.txt", "c.txt", "d.txt", "dir/keep.txt", "e.txt"));
    assertThat(call(new GitChangedFiles(), "since", "HEAD"))
        .isEqualTo(List.of("d.txt", "dir/keep.txt", "e.txt", "same.txt"));
    assertThat(call(new GitChangedFiles(), "since", "HEAD~1"))
        .isEqualTo(List.of("d.txt", "dir/keep.txt", "e.txt"));
  }

  @Test
  void changedFilesOfAnUnknownRevisionSaysHowToFetchIt() throws Exception {
    commit("base", "a.txt", "1");
    assertThatThrownBy(() -> call(new GitChangedFiles(), "since", "origin/main"))
        .hasMessageStartingWith("`origin/main` names no commit in ")
        .hasMessageContaining("fetch it first (e.g. `git fetch origin main`");
  }

  @Test
  void tagPrefersAnnotatedThenHighestVersionAndIsEmptyWithoutOne() throws Exception {
    commit("first", "a.txt", "1");
    git.tag().setName("v0.9.0").call();
    RevCommit head = commit("second", "a.txt", "2");
    assertThat(call(new GitTag())).isEqualTo("");
    git.tag().setName("v1.9.0").setAnnotated(false).call();
    assertThat(call(new GitTag())).isEqualTo("v1.9.0");
    git.tag().setName("v1.10.0").setAnnotated(false).call();
    assertThat(call(new GitTag())).isEqualTo("v1.10.0");
    git.tag().setName("release").setAnnotated(true).setMessage("annotated").setTagger(
        new org.eclipse.jgit.lib.PersonIdent("Kiln", "kiln@example.com")).setSigned(false).call();
    assertThat(call(new GitTag())).isEqualTo("release");
    assertThat(head).isNotNull();
  }
}
