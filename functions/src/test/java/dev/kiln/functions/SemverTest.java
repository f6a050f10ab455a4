package dev.kiln.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionException;
import dev.kiln.function.KilnFunction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SemverTest {
  @TempDir Path project;

  private Object call(KilnFunction f, Object... keysAndValues) throws FunctionException {
    Map<String, Object> args = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      args.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return f.call(Arguments.of(args), new TestContext(project));
  }

  @Test
  void parseReturnsTheParts() throws Exception {
    Map<String, Object> expected = new HashMap<>();
    expected.put("major", 1L);
    expected.put("minor", 0L);
    expected.put("patch", 0L);
    expected.put("preRelease", "alpha.1");
    expected.put("build", "exp.sha.5114f85");
    assertThat(call(new SemverParse(), "version", "1.0.0-alpha.1+exp.sha.5114f85")).isEqualTo(expected);

    @SuppressWarnings("unchecked")
    Map<String, Object> plain = (Map<String, Object>) call(new SemverParse(), "version", "10.20.30");
    assertThat(plain).containsEntry("major", 10L).containsEntry("minor", 20L).containsEntry("patch", 30L)
        .containsEntry("preRelease", null).containsEntry("build", null);
  }

  /** Every ordered pair of the list from SemVer 2.0.0 section 11, in both directions. */
  @Test
  void precedenceFollowsTheSpecificationsExamples() throws Exception {
    List<String> ascending = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
        "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1");
    for (int i = 0; i < ascending.size(); i++) {
      for (int j = 0; j < ascending.size(); j++) {
        Object c = call(new SemverCompare(), "a", ascending.get(i), "b", ascending.get(j));
        assertThat(c).as(ascending.get(i) + " vs " + ascending.get(j)).isEqualTo((long) Integer.compare(i, j));
      }
    }
  }

  @ParameterizedTest
  @CsvSource({
      "1.0.0+a, 1.0.0+b, 0",            // build metadata is ignored
      "1.0.0-rc.1+x, 1.0.0-rc.1, 0",
      "1.0.0-2, 1.0.0-10, -1",          // numeric identifiers compare as numbers
      "1.0.0-1, 1.0.0-a, -1",           // numeric lower than alphanumeric
      "1.0.0-B, 1.0.0-a, -1",           // ASCII order
      "1.0.0-alpha-2, 1.0.0-alpha-10, 1", // alphanumeric: compared as text, not numbers
      "1.0.0-99999999999999999999, 1.0.0-100000000000000000000, -1", // beyond a long
      "1.9.0, 1.10.0, -1",
  })
  void precedenceDetails(String a, String b, long expected) throws Exception {
    assertThat(call(new SemverCompare(), "a", a, "b", b)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
      "1.4.2, major, 2.0.0",
      "1.4.2, minor, 1.5.0",
      "1.4.2, patch, 1.4.3",
      "1.4.2+build.7, patch, 1.4.3",
      "2.0.0-rc.1, major, 2.0.0",
      "2.1.0-rc.1, major, 3.0.0",
      "1.5.0-rc.1, minor, 1.5.0",
      "1.5.1-rc.1, minor, 1.6.0",
      "1.4.3-rc.1, patch, 1.4.3",
      "1.0.0-rc.1, preRelease, 1.0.0-rc.2",
      "1.0.0-rc.9.beta, preRelease, 1.0.0-rc.10.beta",
      "1.0.0-alpha, preRelease, 1.0.0-alpha.0",
      "1.4.2, preRelease, 1.4.3-0",
  })
  void bump(String version, String part, String expected) throws Exception {
    assertThat(call(new SemverBump(), "version", version, "part", part)).isEqualTo(expected);
  }

  @Test
  void bumpOfAnUnknownPartListsTheParts() {
    assertThatThrownBy(() -> call(new SemverBump(), "version", "1.0.0", "part", "micro"))
        .isInstanceOf(FunctionException.class)
        .hasMessage("cannot bump `micro`; bump one of major, minor, patch, preRelease");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.4", "1.2.3", "10.20.30", "1.1.2-prerelease+meta", "1.1.2+meta", "1.0.0-alpha",
      "1.0.0-alpha.beta.1", "1.0.0-alpha0.valid", "1.0.0-rc.1+build.1", "1.2.3----RC-SNAPSHOT.12.9.1--.12+788",
      "1.0.0-0A.is.legal", "9223372036854775807.0.0"})
  void valid(String version) throws Exception {
    assertThat(call(new SemverIsValid(), "version", version)).isEqualTo(true);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "1.2", "1.2.3-0123", "1.2.3-0123.0123", "1.1.2+.123", "+invalid", "-invalid",
      "alpha", "1.2.3.DEV", "1.2-SNAPSHOT", "01.1.1", "1.01.1", "v1.2.3", "1.2.3-", "1.2.3+", "1.2.3-a..b",
      " 1.2.3", "9223372036854775808.0.0", ""})
  void invalid(String version) throws Exception {
    assertThat(call(new SemverIsValid(), "version", version)).isEqualTo(false);
  }

  @Test
  void errorsSayWhatIsWrong() {
    List<String> messages = new ArrayList<>();
    for (String v : List.of("v1.2.3", "1.2", "01.2.3", "1.2.3-")) {
      try {
        call(new SemverParse(), "version", v);
      } catch (FunctionException e) {
        messages.add(e.getMessage());
      }
    }
    assertThat(messages).containsExactly(
        "argument `version`: `v1.2.3` is not a semantic version: the leading `v` is not part of a version"
            + " (write 1.2.3; strip it from tags with `.drop(1)`)",
        "argument `version`: `1.2` is not a semantic version: it has 2 dot-separated numbers before any `-`"
            + " or `+`, not 3; expected MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD], e.g. 1.4.2 or 2.0.0-rc.1+build.5",
        "argument `version`: `01.2.3` is not a semantic version: `01` has a leading zero, which SemVer forbids",
        "argument `version`: `1.2.3-` is not a semantic version: expected MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD],"
            + " e.g. 1.4.2 or 2.0.0-rc.1+build.5");
    assertThatThrownBy(() -> call(new SemverCompare(), "a", "1.0.0", "b", "x"))
        .hasMessageStartingWith("argument `b`: `x` is not a semantic version");
  }
}
