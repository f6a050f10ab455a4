package dev.kiln.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Kiln's words for what its schema refuses, keyed by the refusing declaration. */
class SchemaWordsTest {
  private static SchemaWords.Worded word(String message, String declaration, String member) {
    return SchemaWords.of(message, declaration, member).orElseThrow();
  }

  @Test
  void aTaskNameGetsAValidSuggestion() {
    var w = word("Type constraint `matches(Regex(#\"[a-z][a-z0-9-]*\"#))` violated.\nValue: \"9 Unit__Test\"",
        "typealias TaskName = String(matches(Regex(#\"[a-z][a-z0-9-]*\"#)))", "kiln.Pipeline#tasks");
    assertThat(w.message()).isEqualTo("`9 Unit__Test` is not a valid task name");
    assertThat(w.hint()).endsWith("try \"t-9-unit-test\"");
  }

  @Test
  void anEnvironmentNameStartingWithADigitIsPrefixed() {
    var w = word("Type constraint `x` violated.\nValue: \"1-BAD\"", "typealias EnvName = String(x)", "m#C.f");
    assertThat(w.hint()).endsWith("try \"_1_BAD\"");
  }

  @Test
  void aBareArchitectureSuggestsLinux() {
    var w = word("Type constraint `isEmpty || this is Platform` violated.\nValue: \"arm64\"",
        "  platform: String(isEmpty || this is Platform) = \"\"", "kiln.Pipeline#Container.platform");
    assertThat(w.hint()).endsWith("try \"linux/arm64\"");
    var other = word("Type constraint `isEmpty || this is Platform` violated.\nValue: \"windows\"",
        "  platform: String(isEmpty || this is Platform) = \"\"", "kiln.Pipeline#Container.platform");
    assertThat(other.hint()).doesNotContain("try");
  }

  @Test
  void aListWhereAListingIsExpectedIsRewrittenAsAnAmendment() {
    var w = word("Expected value of type `Listing`, but got type `List`.\nValue: List(\"a\", \"b, c\")",
        "  dependsOn: Listing<TaskName>", "kiln.Pipeline#Task.dependsOn");
    assertThat(w.hint()).startsWith("amend it with braces: dependsOn { \"a\"; \"b, c\" }");
  }

  @Test
  void whatKilnHasNoWordsForStaysPkls() {
    assertThat(SchemaWords.of("Type constraint `isOdd` violated.\nValue: 2", "  n: Int(isOdd)", "kiln.Pipeline#X.n"))
        .isEmpty();
    assertThat(SchemaWords.of("Cannot find property `x`.", "  x = 1", "kiln.Pipeline#X.x")).isEmpty();
  }
}
