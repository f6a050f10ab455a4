package dev.kiln.executor.cache;

import static dev.kiln.model.RemoteCache.Direction.EXPORT;
import static dev.kiln.model.RemoteCache.Direction.IMPORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.executor.engine.EngineInfo;
import dev.kiln.executor.engine.EngineKind;
import dev.kiln.executor.engine.SolveOptions;
import dev.kiln.model.RemoteCache;
import dev.kiln.model.SourceLocation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RemoteCachesTest {
  static final EngineInfo DOCKER_20_10 = new EngineInfo(EngineKind.DOCKER, "docker:///var/run/docker.sock", "20.10.24",
      "v0.8.2", List.of(), Set.of(), Map.of(), List.of("moby", "local", "tar"),
      List.of("registry", "local"), List.of("inline"), Map.of());

  private static RemoteCache from(String text) {
    return RemoteCache.parse(text, IMPORT, null);
  }

  private static RemoteCache to(String text) {
    return RemoteCache.parse(text, EXPORT, null);
  }

  @Test
  void theEngineGetsBuildxAttributesForEachDirection() {
    assertThat(RemoteCaches.exportEntry(to("type=registry,ref=127.0.0.1:5000/app:cache,mode=max,compression=zstd")))
        .isEqualTo(new SolveOptions.CacheEntry("registry",
            Map.of("ref", "127.0.0.1:5000/app:cache", "mode", "max", "compression", "zstd")));
    assertThat(RemoteCaches.importEntry(from("127.0.0.1:5000/app:cache")))
        .isEqualTo(new SolveOptions.CacheEntry("registry", Map.of("ref", "127.0.0.1:5000/app:cache")));
    assertThat(RemoteCaches.exportEntry(to("type=inline"))).isEqualTo(new SolveOptions.CacheEntry("inline", Map.of()));
    assertThat(RemoteCaches.exportEntry(to("type=local,dest=/c")))
        .isEqualTo(new SolveOptions.CacheEntry("local", Map.of("dest", "/c", "tag", "latest", "mode", "min")));
    assertThat(RemoteCaches.importEntry(((RemoteCache.Local) from("type=local,src=/c,tag=main")).withDigest("sha256:d")))
        .isEqualTo(new SolveOptions.CacheEntry("local", Map.of("src", "/c", "tag", "main", "digest", "sha256:d")));
    assertThat(RemoteCaches.importEntry(from("type=gha,scope=main")))
        .isEqualTo(new SolveOptions.CacheEntry("gha", Map.of("scope", "main")));
  }

  @Test
  void anEngineThatCannotExportARegistryCacheSaysSoWhereTheCacheIsDeclaredAndWhatInstead() {
    SourceLocation at = new SourceLocation(Path.of("pipeline.pkl"), 12, 5);
    RemoteCache declared = RemoteCache.parse("type=registry,ref=r/a:c", EXPORT, at);
    assertThatThrownBy(() -> RemoteCaches.checkSupported(declared, DOCKER_20_10, true))
        .isInstanceOfSatisfying(UnsupportedCacheException.class, e -> {
          assertThat(e).hasMessage("Docker 20.10.24 (BuildKit v0.8.2) cannot export a 'registry' cache (it exports: inline)");
          assertThat(e.hint()).hasValueSatisfying(h -> assertThat(h).contains("type=inline").contains("buildkitd"));
          assertThat(e.location()).contains(at);
        });
    RemoteCaches.checkSupported(from("type=registry,ref=r/a:c"), DOCKER_20_10, false); // imports are fine
    RemoteCaches.checkSupported(to("type=inline"), DOCKER_20_10, true);
    RemoteCaches.checkSupported(from("type=local,src=c"), DOCKER_20_10, false);
    assertThatThrownBy(() -> RemoteCaches.checkSupported(to("type=local,dest=c"), DOCKER_20_10, true))
        .hasMessageContaining("cannot export a 'local' cache (it exports: inline)")
        .satisfies(e -> assertThat(((UnsupportedCacheException) e).location()).isEmpty());
    assertThatThrownBy(() -> RemoteCaches.checkSupported(from("type=s3,bucket=b"), DOCKER_20_10, false))
        .hasMessageContaining("cannot import a 's3' cache (it imports: registry, local)")
        .satisfies(e -> assertThat(((UnsupportedCacheException) e).hint()).contains("choose one of: registry, local"));
  }

  @Test
  void eachSolveHasItsOwnShareOfARegistryCache() {
    assertThat(RemoteCaches.share(to("type=registry,ref=127.0.0.1:5000/app/cache:main,mode=max"), "build-0"))
        .isEqualTo(new RemoteCache.Registry("127.0.0.1:5000/app/cache:main-build-0", RemoteCache.Mode.MAX));
    assertThat(RemoteCaches.share(from("127.0.0.1:5000/app/cache"), "test-2"))
        .isEqualTo(new RemoteCache.Registry("127.0.0.1:5000/app/cache:latest-test-2", RemoteCache.Mode.MIN));
    RemoteCache pinned = from("type=registry,ref=r/c@sha256:" + "a".repeat(64));
    assertThat(RemoteCaches.share(pinned, "x")).isSameAs(pinned);
    RemoteCache local = to("type=local,dest=/c");
    assertThat(RemoteCaches.share(local, "x")).isSameAs(local);
    String tag = ((RemoteCache.Registry) RemoteCaches.share(from("r/c:" + "t".repeat(100)),
        "a-very-long-task-name-" + "n".repeat(40))).ref().substring("r/c:".length());
    assertThat(tag).hasSizeLessThanOrEqualTo(128).matches("[A-Za-z0-9_][A-Za-z0-9._-]*");
  }
}
