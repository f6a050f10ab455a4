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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CapsCacheTest {
  @TempDir Path dir;
  static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

  CapsCache at(Instant now) {
    return new CapsCache(dir, Clock.fixed(now, ZoneOffset.UTC));
  }

  @Test
  void returnsWhatWasStoredForTheSameFingerprint() {
    at(T0).store("docker|20.10", Set.of("exec.meta.base", "source.local"), Map.of("mergeop", "old engine"));
    var e = at(T0.plusSeconds(60)).lookup("docker|20.10").orElseThrow();
    assertThat(e.caps()).containsExactly("exec.meta.base", "source.local");
    assertThat(e.disabled()).containsEntry("mergeop", "old engine");
  }

  @Test
  void anotherFingerprintMisses() {
    at(T0).store("docker|20.10", Set.of("a"), Map.of());
    assertThat(at(T0).lookup("docker|24.0")).isEmpty();
  }

  @Test
  void entriesExpireAfterADay() {
    at(T0).store("fp", Set.of("a"), Map.of());
    assertThat(at(T0.plus(CapsCache.MAX_AGE).minusSeconds(1)).lookup("fp")).isPresent();
    assertThat(at(T0.plus(CapsCache.MAX_AGE).plus(Duration.ofMinutes(1))).lookup("fp")).isEmpty();
  }

  @Test
  void aCorruptOrUnwritableCacheIsIgnored() throws Exception {
    at(T0).store("fp", Set.of("a"), Map.of());
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.writeString(f, "{not json");
      }
    }
    assertThat(at(T0).lookup("fp")).isEmpty();
    Path blocked = dir.resolve("file-not-dir");
    Files.writeString(blocked, "x");
    CapsCache unwritable = new CapsCache(blocked.resolve("sub"), Clock.systemUTC());
    unwritable.store("fp", Set.of("a"), Map.of()); // no exception
    assertThat(unwritable.lookup("fp")).isEmpty();
  }

  @Test
  void noneNeverHolds() {
    CapsCache none = CapsCache.none();
    none.store("fp", Set.of("a"), Map.of());
    assertThat(none.lookup("fp")).isEmpty();
  }
}
