package dev.kiln.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.model.Container;
import dev.kiln.model.Directory;
import dev.kiln.model.Pipeline;
import dev.kiln.model.Task;
import dev.kiln.planner.GitIgnored;
import dev.kiln.planner.PathPatterns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IgnoreFilesTest {
  @TempDir Path repo;

  @Test
  void kilnAndGitFilesThenGitignoresThenDockerignoreThenKilnignore() throws Exception {
    // The project is a subdirectory of a git repository, as in a monorepo.
    Path project = repo.resolve("app");
    Files.createDirectories(repo.resolve(".git/info"));
    Files.createDirectories(project.resolve("src"));
    Files.createDirectories(project.resolve(".kiln"));
    Files.writeString(repo.resolve(".git/info/exclude"), "*.swp\n");
    Files.writeString(repo.resolve(".gitignore"), "*.log\n/app/out/\napp/src/gen\n");
    Files.writeString(project.resolve(".gitignore"), "target/\n");
    Files.writeString(project.resolve("src/.gitignore"), "/tmp\n");
    Files.writeString(project.resolve(".dockerignore"), "docs\n");
    Files.writeString(project.resolve(".kilnignore"), "!target/keep\n");
    Path pipelineFile = project.resolve("pipeline.pkl");
    Container c = Container.from("busybox:latest");
    Pipeline p = Pipeline.of(Task.run("t", c.withDirectory("/a", Directory.host("."))
        .withDirectory("/b", Directory.host("src"))));

    var files = IgnoreFiles.of(p, project, List.of(pipelineFile, project.resolve("lib/common.pkl")));

    assertThat(files.get(".").all().patterns()).containsExactly(
        ".git", ".kiln", "pipeline.pkl", "lib/common.pkl", PathPatterns.GIT_RULES, "docs", "!target/keep");
    // git's rules are read where they are asked about: the repository's, from its top down, and nested ones.
    GitIgnored app = files.get(".").git();
    assertThat(app.matched("x.swp", false)).isTrue();
    assertThat(app.matched("src/a.log", false)).isTrue();
    assertThat(app.matched("out", true)).isTrue();
    assertThat(app.matched("out", false)).isFalse(); // "/app/out/": directories only
    assertThat(app.matched("src/gen", true)).isTrue();
    assertThat(app.matched("src/tmp", false)).isTrue();
    assertThat(app.matched("src/x/tmp", false)).isFalse(); // "/tmp" is anchored at src
    assertThat(app.matched("target", true)).isTrue();
    assertThat(app.matched("src/Main.java", false)).isFalse();
    // Below the project root: the same rules, relative to src.
    GitIgnored src = files.get("src").git();
    assertThat(src.matched("gen", true)).isTrue();
    assertThat(src.matched("tmp", false)).isTrue();
    assertThat(files.get("src").all().patterns()).containsExactly(PathPatterns.GIT_RULES);
    // Read withoutGitignore(): Kiln's own files, the .dockerignore and .kilnignore only.
    assertThat(files.get(".").withoutGitignore().patterns()).containsExactly(
        ".git", ".kiln", "pipeline.pkl", "lib/common.pkl", "docs", "!target/keep");
  }

  @Test
  void theProjectsOwnGitDirectoryIsLeftOut() throws Exception {
    Files.createDirectories(repo.resolve(".git"));
    Pipeline p = Pipeline.of(Task.run("t", Container.from("busybox:latest").withDirectory("/a", Directory.host("."))));
    assertThat(IgnoreFiles.of(p, repo, List.of()).get(".").all().patterns())
        .containsExactly(".git", ".kiln", PathPatterns.GIT_RULES);
  }
}
