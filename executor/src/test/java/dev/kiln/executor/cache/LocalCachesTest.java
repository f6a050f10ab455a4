package dev.kiln.executor.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.model.RemoteCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCachesTest {
  @TempDir Path dir;

  private static String manifest(char c) {
    return "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + String.valueOf(c)
        .repeat(64) + "\",\"size\":904}";
  }

  private RemoteCache local(String attr, String... more) {
    StringBuilder s = new StringBuilder("type=local," + attr + "=" + dir.resolve("cache"));
    for (String m : more) {
      s.append(',').append(m);
    }
    return RemoteCache.parse(s.toString(), attr.equals("dest") ? RemoteCache.Direction.EXPORT
        : RemoteCache.Direction.IMPORT, null);
  }

  @Test
  void everyTasksShareIsImportedNotOnlyTheLastOne() throws Exception {
    LocalCaches caches = new LocalCaches(List.of(), List.of(local("dest")));
    caches.exported("alpha-0", Map.of("cache.manifest", manifest('a')));
    caches.exported("beta-0", Map.of("cache.manifest", manifest('b')));
    caches.exported("alpha-0", Map.of("cache.manifest", manifest('c'))); // alpha again: replaces its share
    caches.exported("gamma-0", Map.of()); // an engine that reported no cache manifest

    RemoteCache registry = new RemoteCache.Registry("r/c", RemoteCache.Mode.MIN);
    List<RemoteCache> imports = LocalCaches.resolveImports(List.of(local("src"), registry),
        w -> { throw new AssertionError(w); });
    assertThat(imports).containsExactlyInAnyOrder(registry,
        new RemoteCache.Local(dir.resolve("cache")).withDigest("sha256:" + "b".repeat(64)),
        new RemoteCache.Local(dir.resolve("cache")).withDigest("sha256:" + "c".repeat(64)));

    // buildx reading the same directory finds the latest manifest under the plain tag.
    String index = Files.readString(dir.resolve("cache/index.json"));
    assertThat(index).contains("\"latest-alpha-0\"", "\"latest-beta-0\"").doesNotContain("a".repeat(64));
    assertThat(LocalCaches.digests(new OciLayout(dir.resolve("cache")), "other")).isEmpty();
    assertThat(Files.readString(dir.resolve("cache/oci-layout"))).contains("imageLayoutVersion");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
        dir.resolve("cache/index.json")))).as("a shared cache is readable by others").isEqualTo("rw-r--r--");
  }

  @Test
  void aCacheBuildxWroteIsImportedByItsTag() throws Exception {
    Files.createDirectories(dir.resolve("cache"));
    Files.writeString(dir.resolve("cache/index.json"), "{\"schemaVersion\":2,\"manifests\":[" + manifest('d')
        .replace("}", ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"main\"}}") + "]}");
    List<RemoteCache> imports = LocalCaches.resolveImports(List.of(local("src", "tag=main")), w -> { });
    assertThat(imports).containsExactly(new RemoteCache.Local(dir.resolve("cache"), "main", "sha256:" + "d".repeat(64),
        RemoteCache.Mode.MIN, Map.of(), null));
  }

  @Test
  void aDirectoryWithoutACacheYetIsSkippedWithAWarning() {
    List<String> warnings = new ArrayList<>();
    assertThat(LocalCaches.resolveImports(List.of(local("src")), warnings::add)).isEmpty();
    assertThat(warnings).singleElement().asString().contains("no local cache tagged 'latest' in " + dir.resolve("cache"));
  }

  @Test
  void aCorruptIndexIsSkippedWithAWarning() throws Exception {
    Files.createDirectories(dir.resolve("cache"));
    Files.writeString(dir.resolve("cache/index.json"), "{not json");
    List<String> warnings = new ArrayList<>();
    assertThat(LocalCaches.resolveImports(List.of(local("src")), warnings::add)).isEmpty();
    assertThat(warnings).singleElement().asString().contains("cannot read the local cache");
  }
}
