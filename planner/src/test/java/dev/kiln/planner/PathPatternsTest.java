package dev.kiln.planner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathPatternsTest {
  @ParameterizedTest(name = "{0} ~ {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      // pattern(s, ; separated) | path | matched
      "*.log              | app.log           | true",
      "*.log              | logs/app.log      | false",
      "**/*.log           | logs/app.log      | true",
      "**/*.log           | app.log           | true",
      "target             | target            | true",
      "target             | target/classes/A  | true",
      "target/            | target/x          | true",
      "/target            | target/x          | true",
      "./target           | target/x          | true",
      "target             | src/target        | false",
      "**/target          | a/b/target/c      | true",
      "a?c                | abc               | true",
      "a?c                | a/c               | false",
      "[a-c]x             | bx                | true",
      "[^a-c]x            | dx                | true",
      "[^a-c]x            | bx                | false",
      "docs/**            | docs/a/b.md       | true",
      "docs/**/*.md       | docs/a/b/c.md     | true",
      "docs/**/*.md       | docs/c.md         | true",
      "*.md;!README.md    | README.md         | false",
      "*.md;!README.md    | CHANGES.md        | true",
      "!README.md;*.md    | README.md         | true",
      "build;!build/keep  | build/keep/x      | false",
      "build;!build/keep  | build/other       | true",
      "a\\*b              | a*b               | true",
      "a\\*b              | axb               | false",
  })
  void matchesLikeDockerignore(String patterns, String path, boolean matched) {
    assertThat(PathPatterns.of(List.of(patterns.split(";"))).matches(path)).isEqualTo(matched);
  }

  @ParameterizedTest(name = "{0} under {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "build;!build/keep/x | build      | true",
      "build;!other/x      | build      | false",
      "build;!**/keep      | build      | true",
      "build;!b*/keep      | build      | true",
  })
  void knowsWhenAnExceptionCouldReenterAnExcludedDirectory(String patterns, String dir, boolean may) {
    PathPatterns p = PathPatterns.of(List.of(patterns.split(";")));
    assertThat(p.exceptionMayMatchBelow(dir)).isEqualTo(may);
  }

  @Test
  void gitsRulesStandWhereTheirMarkerIsAndNothingBelowAnIgnoredDirectoryComesBack() {
    // git itself ignores the directory "build" and re-includes "build/keep.txt" in vain (gitignore(5))
    GitIgnored git = (path, isDir) -> path.equals("build") && isDir || path.endsWith(".log");
    PathPatterns p = PathPatterns.of(List.of(".git", PathPatterns.GIT_RULES), git);
    assertThat(p.matches("build/keep.txt")).isTrue();
    assertThat(p.matches("build", true)).isTrue();
    assertThat(p.matches("build", false)).isFalse(); // a file named build: the rule is for directories
    assertThat(p.matches("src/a.log")).isTrue();
    assertThat(p.matches("src/A.java")).isFalse();
    // a later .kilnignore exception wins over git's verdict, as over any earlier pattern
    assertThat(PathPatterns.of(List.of(PathPatterns.GIT_RULES, "!build/keep.txt"), git).matches("build/keep.txt"))
        .isFalse();
    // without a verdict the marker matches nothing
    assertThat(PathPatterns.of(List.of(PathPatterns.GIT_RULES)).matches("src/a.log")).isFalse();
  }
}
