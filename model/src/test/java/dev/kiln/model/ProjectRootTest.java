package dev.kiln.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectRootTest {
  @TempDir Path base;
  Path project;
  Path outside;
  ProjectRoot root;

  @BeforeEach
  void tree() throws Exception {
    project = Files.createDirectories(base.resolve("project"));
    outside = Files.createDirectories(base.resolve("outside"));
    root = ProjectRoot.of(project);
  }

  @Test
  void plainPathsAndMissingOnesAreInside() {
    assertThat(root.resolve("build/x.txt")).isEqualTo(
        new ProjectRoot.Resolution.Inside("build/x.txt", root.real().resolve("build/x.txt")));
    assertThat(root.resolve(".").inside()).isTrue();
    assertThat(root.resolve("").inside()).isTrue();
  }

  @Test
  void dotDotAndAbsolutePathsAreOutside() {
    assertThat(root.resolve("../x").inside()).isFalse();
    assertThat(root.resolve("a/../../x").problem("export destination `a/../../x`"))
        .isEqualTo("export destination `a/../../x` is outside the project");
    assertThat(root.resolve("/etc/passwd").inside()).isFalse();
  }

  @Test
  void aLinkedDirectoryOutsideIsOutsideAndNamed() throws Exception {
    Files.createSymbolicLink(project.resolve("build"), Path.of("../outside"));
    var r = root.resolve("build/x.txt");
    assertThat(r).isInstanceOf(ProjectRoot.Resolution.Outside.class);
    assertThat(r.problem("export destination `build/x.txt`")).isEqualTo("export destination `build/x.txt` leads outside the"
        + " project, to " + outside.toRealPath().resolve("x.txt") + ", through the symbolic link `build` (-> `../outside`)");
  }

  @Test
  void linksThatStayInsideAreFollowed() throws Exception {
    Files.createDirectories(project.resolve("real/sub"));
    Files.createSymbolicLink(project.resolve("alias"), Path.of("real/sub"));
    Files.createSymbolicLink(project.resolve("abs"), project.resolve("real"));
    assertThat(root.resolve("alias/x")).isEqualTo(
        new ProjectRoot.Resolution.Inside("alias/x", root.real().resolve("real/sub/x")));
    assertThat(root.resolve("abs/sub/x").inside()).isTrue();
    // `..` after a link goes up from where the link led, as the kernel does
    assertThat(((ProjectRoot.Resolution.Inside) root.resolve("alias/../y")).real())
        .isEqualTo(root.real().resolve("y")); // lexically normalized first: alias/../y is y
    Files.createSymbolicLink(project.resolve("up"), Path.of("real/sub/../.."));
    assertThat(root.resolve("up/z").inside()).isTrue();
  }

  @Test
  void aDanglingLinkIsFollowedToWhereItPoints() throws Exception {
    Files.createSymbolicLink(project.resolve("out.txt"), outside.resolve("new.txt"));
    Files.createSymbolicLink(project.resolve("later"), Path.of("not-yet/x"));
    assertThat(root.resolve("out.txt").inside()).isFalse();
    assertThat(root.resolve("later").inside()).isTrue();
  }

  @Test
  void aLinkOutAndBackInIsInside() throws Exception {
    Files.createSymbolicLink(project.resolve("away"), outside);
    Files.createSymbolicLink(outside.resolve("back"), project);
    assertThat(root.resolve("away/back/f").inside()).isTrue();
    assertThat(root.resolve("away/f").inside()).isFalse();
  }

  @Test
  void loopsAreRefused() throws Exception {
    Files.createSymbolicLink(project.resolve("a"), Path.of("b"));
    Files.createSymbolicLink(project.resolve("b"), Path.of("a"));
    Files.createSymbolicLink(project.resolve("self"), Path.of("self/x"));
    assertThat(root.resolve("a/x")).isInstanceOf(ProjectRoot.Resolution.Loop.class);
    assertThat(root.resolve("self").problem("host directory `self`")).startsWith("host directory `self` cannot be resolved");
  }

  @Test
  void aProjectReachedThroughALinkIsItsRealPath() throws Exception {
    Path alias = Files.createSymbolicLink(base.resolve("alias"), Path.of("project"));
    ProjectRoot viaAlias = ProjectRoot.of(alias);
    assertThat(viaAlias.real()).isEqualTo(project.toRealPath());
    Files.createSymbolicLink(project.resolve("abs"), alias.resolve("d"));
    assertThat(viaAlias.resolve("abs/x").inside()).isTrue();
  }

  @Test
  void aNulIsNotAPath() {
    assertThat(root.resolve("a\0b")).isInstanceOf(ProjectRoot.Resolution.Invalid.class);
  }
}
