package dev.kiln.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.SourceOp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalSourcesTest {
  private final LocalSources sources = new LocalSources(Map.of(
      ".", IgnoreFile.parse("target/\n").then(IgnoreFile.parse(".git/\n"))));

  private static Map<String, String> attrs(DirRef ref) {
    return ((SourceOp) ref.fs().output().vertex()).attrs();
  }

  @Test
  void ignoreFilesAndExcludesArePushedIntoTheSource() {
    DirRef src = sources.directory("./", List.of(), List.of("*.log"), "");
    assertThat(src.path()).isEqualTo("/");
    assertThat(attrs(src))
        .containsEntry("local.excludepatterns", "[\"target\",\".git\",\"*.log\"]")
        .containsEntry("local.sharedkeyhint", ".")
        .doesNotContainKey("local.includepattern");
  }

  @Test
  void aSelectedFileOrSubdirectoryBecomesTheIncludePattern() {
    DirRef pom = sources.directory(".", List.of(), List.of(), "pom.xml");
    assertThat(pom.path()).isEqualTo("/pom.xml");
    assertThat(attrs(pom)).containsEntry("local.includepattern", "[\"pom.xml\"]");
    // the directory's own include patterns are kept: they cannot be intersected on the wire
    DirRef own = sources.directory(".", List.of("src/"), List.of(), "src/main");
    assertThat(attrs(own)).containsEntry("local.includepattern", "[\"src/\"]");
    assertThat(own.path()).isEqualTo("/src/main");
  }

  @Test
  void theSameDirectoryIsOneVertexAndUnrelatedDirectoriesDoNotTouchIt() {
    DirRef a = sources.directory(".", List.of(), List.of(), "pom.xml");
    DirRef b = sources.directory("./", List.of(), List.of(), "./pom.xml");
    assertThat(a.fs()).isSameAs(b.fs());
    String digest = new Marshaller().marshal(a.fs()).resultDigest();
    // a source for another file of the same directory is a different op; this one is unchanged
    sources.directory(".", List.of(), List.of(), "README.md");
    assertThat(new Marshaller().marshal(a.fs()).resultDigest()).isEqualTo(digest);
    assertThat(new Marshaller().marshal(sources.directory(".", List.of(), List.of(), "README.md").fs())
        .resultDigest()).isNotEqualTo(digest);
  }
}
