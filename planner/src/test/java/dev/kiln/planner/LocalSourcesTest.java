package dev.kiln.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.model.Directory;
import dev.kiln.planner.llb.Marshaller;
import dev.kiln.planner.llb.SourceOp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalSourcesTest {
  private final LocalSources sources = new LocalSources(Map.of(
      ".", new HostIgnores(IgnoreFile.parse("target/\n").then(IgnoreFile.parse(".git/\n")), IgnoreFile.parse(".git/\n"), GitIgnored.NONE)));

  private static Directory.Host host(String path, List<String> include, List<String> exclude) {
    return new Directory.Host(path, include, exclude);
  }

  private static Map<String, String> attrs(DirRef ref) {
    return ((SourceOp) ref.fs().output().vertex()).attrs();
  }

  @Test
  void ignoreFilesAndExcludesArePushedIntoTheSource() {
    DirRef src = sources.directory(host("./", List.of(), List.of("*.log")), "");
    assertThat(src.path()).isEqualTo("/");
    assertThat(attrs(src))
        .containsEntry("local.excludepatterns", "[\"target\",\".git\",\"*.log\"]")
        .containsEntry("local.sharedkeyhint", ".")
        .doesNotContainKey("local.includepattern");
  }

  @Test
  void aSelectedFileOrSubdirectoryBecomesTheIncludePattern() {
    DirRef pom = sources.directory(host(".", List.of(), List.of()), "pom.xml");
    assertThat(pom.path()).isEqualTo("/pom.xml");
    assertThat(attrs(pom)).containsEntry("local.includepattern", "[\"pom.xml\"]");
    // the directory's own include patterns are kept: they cannot be intersected on the wire
    DirRef own = sources.directory(host(".", List.of("src/"), List.of()), "src/main");
    assertThat(attrs(own)).containsEntry("local.includepattern", "[\"src/\"]");
    assertThat(own.path()).isEqualTo("/src/main");
  }

  @Test
  void theSameDirectoryIsOneVertexAndUnrelatedDirectoriesDoNotTouchIt() {
    DirRef a = sources.directory(host(".", List.of(), List.of()), "pom.xml");
    DirRef b = sources.directory(host("./", List.of(), List.of()), "./pom.xml");
    assertThat(a.fs()).isSameAs(b.fs());
    String digest = new Marshaller().marshal(a.fs()).resultDigest();
    // a source for another file of the same directory is a different op; this one is unchanged
    sources.directory(host(".", List.of(), List.of()), "README.md");
    assertThat(new Marshaller().marshal(a.fs()).resultDigest()).isEqualTo(digest);
    assertThat(new Marshaller().marshal(sources.directory(host(".", List.of(), List.of()), "README.md").fs())
        .resultDigest()).isNotEqualTo(digest);
  }

  @Test
  void aSubpathNamedExplicitlyIsSentEvenWhereAnIgnoreFileLeavesItOut() {
    DirRef built = sources.directory(host(".", List.of(), List.of()), "target/generated");
    assertThat(attrs(built)).containsEntry("local.includepattern", "[\"target/generated\"]")
        .containsEntry("local.excludepatterns", "[\"target\",\".git\",\"!target/generated\"]");
    // the directory's own excludes still win: the pipeline asked for both
    DirRef excluded = sources.directory(host(".", List.of(), List.of("target")), "target/generated");
    assertThat(attrs(excluded)).containsEntry("local.excludepatterns",
        "[\"target\",\".git\",\"!target/generated\",\"target\"]");
    // a subpath nothing leaves out gets no exception, so its digest does not change
    assertThat(attrs(sources.directory(host(".", List.of(), List.of()), "src")))
        .containsEntry("local.excludepatterns", "[\"target\",\".git\"]");
  }

  @Test
  void aDirectoryReadWithoutGitignoreLeavesOutOnlyTheRest() {
    DirRef all = sources.directory(new Directory.Host(".", List.of(), List.of(), false), "");
    assertThat(attrs(all)).containsEntry("local.excludepatterns", "[\".git\"]");
  }

  @Test
  void aSubpathGitIgnoresIsSentWhenNamedAndOnlyThen() {
    // git's rules stay one marker on the wire; the planner asks them only about the names it sends
    var withGit = new LocalSources(Map.of(".", new HostIgnores(
        new IgnoreFile(List.of(".git", PathPatterns.GIT_RULES)), IgnoreFile.parse(".git/\n"),
        (path, isDir) -> path.equals("gen") && isDir)));
    assertThat(attrs(withGit.directory(host(".", List.of(), List.of()), "gen/api.txt")))
        .containsEntry("local.excludepatterns", "[\".git\",\"" + PathPatterns.GIT_RULES + "\",\"!gen/api.txt\"]");
    assertThat(attrs(withGit.directory(host(".", List.of(), List.of()), "src")))
        .containsEntry("local.excludepatterns", "[\".git\",\"" + PathPatterns.GIT_RULES + "\"]");
    assertThat(attrs(withGit.directory(new Directory.Host(".", List.of(), List.of(), false), "gen/api.txt")))
        .containsEntry("local.excludepatterns", "[\".git\"]");
  }
}
