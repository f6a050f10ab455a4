package dev.kiln.executor.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.executor.engine.EngineInfo;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CacheSpecTest {
  static final EngineInfo DOCKER_20_10 = new EngineInfo("docker", "docker:///var/run/docker.sock", "20.10.24",
      "v0.8.2", List.of(), Set.of(), Map.of(), List.of("moby", "local", "tar"),
      List.of("registry", "local"), List.of("inline"), Map.of());

  @Test
  void parsesBuildxSyntax() {
    assertThat(CacheSpec.parse("type=registry,ref=127.0.0.1:5000/app:cache,mode=max"))
        .isEqualTo(new CacheSpec("registry", Map.of("ref", "127.0.0.1:5000/app:cache", "mode", "max")));
    assertThat(CacheSpec.parse("type=inline")).isEqualTo(new CacheSpec("inline", Map.of()));
    assertThat(CacheSpec.parse("registry.example.com/app:cache"))
        .isEqualTo(new CacheSpec("registry", Map.of("ref", "registry.example.com/app:cache")));
  }

  @Test
  void rejectsWhatBuildxWould() {
    assertThatThrownBy(() -> CacheSpec.parse("type=registry")).hasMessageContaining("has no ref");
    assertThatThrownBy(() -> CacheSpec.parse("ref=x")).hasMessageContaining("has no type");
    assertThatThrownBy(() -> CacheSpec.parse("type=registry,ref=x,mode=all")).hasMessageContaining("min or max");
    assertThatThrownBy(() -> CacheSpec.parse("type=registry,junk")).hasMessageContaining("not key=value");
  }

  @Test
  void anEngineThatCannotExportARegistryCacheSaysSoAndWhatInstead() {
    assertThatThrownBy(() -> CacheSpec.parse("type=registry,ref=r/a:c").checkSupported(DOCKER_20_10, true))
        .isInstanceOf(CacheSpec.InvalidCacheException.class)
        .hasMessageContaining("Docker 20.10.24 (BuildKit v0.8.2) cannot export a 'registry' cache (it exports: inline)")
        .satisfies(e -> assertThat(((CacheSpec.InvalidCacheException) e).hint()).hasValueSatisfying(
            h -> assertThat(h).contains("type=inline").contains("buildkitd")));
    CacheSpec.parse("type=registry,ref=r/a:c").checkSupported(DOCKER_20_10, false); // imports are fine
    CacheSpec.parse("type=inline").checkSupported(DOCKER_20_10, true);
  }

  @Test
  void aLocalCacheNeedsItsDirectoryAndIsResolvedAgainstTheGivenBase() {
    CacheSpec.parse("type=local,src=c").checkSupported(DOCKER_20_10, false);
    assertThatThrownBy(() -> CacheSpec.parse("type=local,dest=c").checkSupported(DOCKER_20_10, false))
        .hasMessageContaining("a local cache import needs src=DIR");
    assertThatThrownBy(() -> CacheSpec.parse("type=local,dest=c").checkSupported(DOCKER_20_10, true))
        .hasMessageContaining("cannot export a 'local' cache (it exports: inline)");
    assertThat(CacheSpec.parse("type=local,dest=../c,tag=main").resolve(java.nio.file.Path.of("/work/p")).attrs())
        .containsEntry("dest", "/work/c").containsEntry("tag", "main");
    assertThat(CacheSpec.parse("type=local,src=/abs").resolve(java.nio.file.Path.of("/work/p")).attrs())
        .containsEntry("src", "/abs");
    assertThat(CacheSpec.parse("127.0.0.1:5000/c:main").resolve(java.nio.file.Path.of("/x")).toString())
        .isEqualTo("type=registry,ref=127.0.0.1:5000/c:main");
  }

  @Test
  void eachSolveHasItsOwnShareOfARegistryCache() {
    assertThat(CacheSpec.parse("type=registry,ref=127.0.0.1:5000/app/cache:main,mode=max").share("build-0").attrs())
        .containsEntry("ref", "127.0.0.1:5000/app/cache:main-build-0").containsEntry("mode", "max");
    assertThat(CacheSpec.parse("127.0.0.1:5000/app/cache").share("test-2").attrs())
        .containsEntry("ref", "127.0.0.1:5000/app/cache:latest-test-2");
    CacheSpec pinned = CacheSpec.parse("type=registry,ref=r/c@sha256:" + "a".repeat(64));
    assertThat(pinned.share("x")).isSameAs(pinned);
    CacheSpec local = CacheSpec.parse("type=local,dest=/c");
    assertThat(local.share("x")).isSameAs(local);
    String tag = CacheSpec.parse("r/c:" + "t".repeat(100)).share("a-very-long-task-name-" + "n".repeat(40))
        .attrs().get("ref").substring("r/c:".length());
    assertThat(tag).hasSizeLessThanOrEqualTo(128).matches("[A-Za-z0-9_][A-Za-z0-9._-]*");
  }
}
