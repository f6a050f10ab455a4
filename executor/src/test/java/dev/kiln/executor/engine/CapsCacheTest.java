package dev.kiln.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CapsCacheTest {
  @TempDir Path dir;
  static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
  /** What an engine announces, at the least. */
  static final Set<String> CAPS = Set.of("source.image", "source.local", "exec.meta.base", "file.base", "exec.mount.cache");

  CapsCache at(Instant now) {
    return new CapsCache(dir, Clock.fixed(now, ZoneOffset.UTC));
  }

  @Test
  void returnsWhatWasStoredForTheSameFingerprint() {
    at(T0).store("docker|20.10", CAPS, Map.of("mergeop", "old engine"));
    var e = at(T0.plusSeconds(60)).lookup("docker|20.10").orElseThrow();
    assertThat(e.caps()).containsExactlyInAnyOrderElementsOf(CAPS);
    assertThat(e.disabled()).containsEntry("mergeop", "old engine");
  }

  @Test
  void anotherFingerprintMisses() {
    at(T0).store("docker|20.10", CAPS, Map.of());
    assertThat(at(T0).lookup("docker|24.0")).isEmpty();
  }

  @Test
  void entriesExpireAfterADay() {
    at(T0).store("fp", CAPS, Map.of());
    assertThat(at(T0.plus(CapsCache.MAX_AGE).minusSeconds(1)).lookup("fp")).isPresent();
    assertThat(at(T0.plus(CapsCache.MAX_AGE).plus(Duration.ofMinutes(1))).lookup("fp")).isEmpty();
  }

  @Test
  void aCorruptOrUnwritableCacheIsIgnored() throws Exception {
    at(T0).store("fp", CAPS, Map.of());
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.writeString(f, "{not json");
      }
    }
    assertThat(at(T0).lookup("fp")).isEmpty();
    Path blocked = dir.resolve("file-not-dir");
    Files.writeString(blocked, "x");
    CapsCache unwritable = new CapsCache(blocked.resolve("sub"), Clock.systemUTC());
    unwritable.store("fp", CAPS, Map.of()); // no exception
    assertThat(unwritable.lookup("fp")).isEmpty();
  }

  @Test
  void anEntryWithTheRightFingerprintButBadContentIsNotTrusted() throws Exception {
    String good = "{\"fingerprint\":\"fp\",\"probedAt\":" + T0.toEpochMilli()
        + ",\"caps\":[\"exec.meta.base\",\"file.base\",\"source.image\",\"source.local\"],\"disabled\":{}}";
    for (String bad : new String[] {
        good.replace("\"caps\":[", "\"caps\":[1,"), // not a string
        good.replace("\"caps\":[", "\"caps\":[\"Not A Cap\","), // not a capability name
        good.replace("\"exec.meta.base\",", ""), // missing what every engine has
        good.replace(",\"caps\":[\"exec.meta.base\",\"file.base\",\"source.image\",\"source.local\"]", ""),
        good.replace("\"caps\":[", "\"caps\":{\"x\":[").replace("],\"disabled", "]},\"disabled"),
        good.replace("\"disabled\":{}", "\"disabled\":[]"),
        good.replace("\"disabled\":{}", "\"disabled\":{\"file.base\":\"off\"}"), // both on and off
        good.replace("\"probedAt\":", "\"probedAt\":\"yesterday\",\"x\":"),
        good.substring(0, good.length() / 2), // truncated
        "null",
    }) {
      at(T0).store("fp", CAPS, Map.of());
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.writeString(f, bad);
        }
      }
      assertThat(at(T0).lookup("fp")).as(bad).isEmpty();
    }
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.writeString(f, good);
      }
    }
    assertThat(at(T0).lookup("fp")).isPresent();
  }

  @Test
  void refreshingNeverReadsButReplacesTheEntry() {
    at(T0).store("fp", CAPS, Map.of("mergeop", "old"));
    CapsCache refreshing = at(T0).refreshing();
    assertThat(refreshing.lookup("fp")).isEmpty();
    Set<String> now = new TreeSet<>(CAPS);
    now.add("mergeop");
    refreshing.store("fp", now, Map.of());
    assertThat(at(T0).lookup("fp").orElseThrow().caps()).contains("mergeop");
  }

  @Test
  void noneNeverHolds() {
    CapsCache none = CapsCache.none();
    none.store("fp", CAPS, Map.of());
    assertThat(none.lookup("fp")).isEmpty();
  }
}
