package dev.kiln.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.planner.GitIgnoreFile.Verdict;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** gitignore(5)'s examples, one file at a time (GitIgnoresAgainstGitTest checks whole trees against git). */
class GitIgnoreFileTest {
  @ParameterizedTest(name = "{0} on {1} (dir {2}) -> {3}")
  @CsvSource(delimiter = '|', value = {
      "*.log              | a/b/x.log   | false | IGNORED",
      "/dist              | dist        | true  | IGNORED",
      "/dist              | a/dist      | true  | NONE",
      "doc/frotz/         | doc/frotz   | true  | IGNORED",
      "doc/frotz/         | doc/frotz   | false | NONE",
      "doc/frotz/         | a/doc/frotz | true  | NONE",
      "frotz/             | a/frotz     | true  | IGNORED",
      "**/foo             | x/y/foo     | false | IGNORED",
      "**/foo/bar         | foo/bar     | false | IGNORED",
      "abc/**             | abc/x/y     | false | IGNORED",
      "abc/**             | abc         | true  | NONE",
      "a/**/b             | a/x/y/b     | false | IGNORED",
      "a/**/b             | a/b         | false | IGNORED",
      "a/*/b              | a/x/y/b     | false | NONE",
      "*.log;!keep.log    | keep.log    | false | KEPT",
      "\\#h               | #h          | false | IGNORED",
      "\\!x               | !x          | false | IGNORED",
      "[!a]b              | bb          | false | IGNORED",
      "[!a]b              | ab          | false | NONE",
      "a?c                | a/c         | false | NONE",
      "[a-c]x             | bx          | false | IGNORED",
      "[x                 | [x          | false | NONE",
  })
  void decidesAsGitDoes(String rules, String path, boolean isDir, Verdict verdict) {
    assertThat(GitIgnoreFile.parse(rules.replace(';', '\n')).decide(path, isDir)).isEqualTo(verdict);
  }
}
