package dev.kiln.executor.exports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.model.ProjectRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaleStagingTest {
  @TempDir Path project;
  ProjectRoot root;
  StagingOwner dead;

  @BeforeEach
  void deadOwner() throws Exception {
    root = ProjectRoot.of(project);
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    dead = new StagingOwner(p.pid(), p.info().startInstant().map(i -> i.toEpochMilli()).orElse(1L));
  }

  private static List<String> names(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void ownersAreToldApart() {
    assertThat(StagingOwner.CURRENT.alive()).isTrue();
    assertThat(dead.alive()).isFalse();
    // this process's pid with another start time is a recycled pid: another process
    assertThat(new StagingOwner(StagingOwner.CURRENT.pid(), StagingOwner.CURRENT.started() - 1000).alive()).isFalse();
    String name = StagingOwner.CURRENT.name(StagingOwner.STAGING);
    assertThat(StagingOwner.parse(StagingOwner.STAGING, name)).hasValue(StagingOwner.CURRENT);
    assertThat(StagingOwner.stale(name)).isFalse();
    assertThat(StagingOwner.stale(dead.name(StagingOwner.ASIDE))).isTrue();
    assertThat(StagingOwner.stale(".kiln-export-3f2a9c1e-7b4d-4e0a-9b1c-2d3e4f5a6b7c")).as("no owner recorded").isTrue();
    assertThat(StagingOwner.stale("app.jar")).isFalse();
  }

  @Test
  void removesWhatDeadRunsLeftAndKeepsWhatLiveOnesHave() throws Exception {
    Path build = Files.createDirectories(project.resolve("build"));
    Path deadStaging = Files.createDirectories(build.resolve(dead.name(StagingOwner.STAGING)).resolve("out"));
    Files.writeString(deadStaging.resolve("partial.bin"), "half of it");
    Files.writeString(build.resolve(dead.name(StagingOwner.ASIDE)), "an old copy");
    Path legacy = Files.createDirectories(build.resolve(".kiln-export-3f2a9c1e-7b4d-4e0a-9b1c-2d3e4f5a6b7c"));
    Path live = Files.createDirectories(build.resolve(StagingOwner.CURRENT.name(StagingOwner.STAGING)));
    Files.writeString(build.resolve("app.jar"), "the user's");

    assertThat(StaleStaging.clean(root, List.of("build/app.jar"))).isEqualTo(3);

    assertThat(names(build)).containsExactlyInAnyOrder("app.jar", live.getFileName().toString());
    assertThat(legacy).doesNotExist();
  }

  @Test
  void completesACommitThatWasKilledHalfway() throws Exception {
    Files.createDirectories(project.resolve("build/site/old"));
    Files.writeString(project.resolve("build/app.jar"), "old jar");
    ExportSet set = new ExportSet(root, dead);
    Path s1 = set.stage("export of /app.jar", "build/app.jar");
    Files.writeString(s1.resolve("app.jar"), "new jar");
    Path s2 = set.stage("export of /site", "build/site");
    Files.createDirectories(s2.resolve("site"));
    Files.writeString(s2.resolve("site/index.html"), "new site");
    // What commit() does up to a kill -9 after the first swap: the journal, then one swap.
    Path buildDir = project.toRealPath().resolve("build");
    List<Swap> swaps = List.of(new Swap(s1.resolve("app.jar"), buildDir.resolve("app.jar")),
        new Swap(s2.resolve("site"), buildDir.resolve("site")));
    CommitJournal.write(buildDir, root, swaps, dead);
    swaps.get(0).apply(dead);
    assertThat(Files.readString(project.resolve("build/app.jar"))).isEqualTo("new jar");
    assertThat(project.resolve("build/site/old")).exists(); // a mix, until the next run

    StaleStaging.clean(root, List.of("build/app.jar", "build/site"));

    assertThat(Files.readString(project.resolve("build/app.jar"))).isEqualTo("new jar");
    assertThat(Files.readString(project.resolve("build/site/index.html"))).isEqualTo("new site");
    assertThat(names(project.resolve("build"))).containsExactly("app.jar", "site");
  }

  @Test
  void aJournalThatNamesAnythingButItsOwnStagingMovesNothing() throws Exception {
    Files.createDirectories(project.resolve("build"));
    Files.writeString(project.resolve("src.txt"), "the user's source");
    Files.writeString(project.resolve("build/app.jar"), "old jar");
    Path buildDir = project.toRealPath().resolve("build");
    // forged: the "item" is a file of the project, not something in a staging directory of the journal's owner
    CommitJournal.write(buildDir, root, List.of(new Swap(project.toRealPath().resolve("src.txt"),
        buildDir.resolve("app.jar"))), dead);

    StaleStaging.clean(root, List.of("build/app.jar"));

    assertThat(Files.readString(project.resolve("src.txt"))).isEqualTo("the user's source");
    assertThat(Files.readString(project.resolve("build/app.jar"))).isEqualTo("old jar");
    assertThat(names(project.resolve("build"))).containsExactly("app.jar");
  }
}
