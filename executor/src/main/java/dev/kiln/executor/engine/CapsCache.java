package dev.kiln.executor.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The LLB capabilities an engine announced, kept between runs: asking for them takes a gateway
 * solve (about a quarter of a second on Docker 20.10), while what decides them — the engine's
 * kind, Docker and BuildKit versions and workers — takes cheap RPCs. An entry is used only for the
 * same fingerprint and for a day, and only when it holds what every engine announces (a
 * hand-edited or truncated entry would otherwise make a run fail as "does not support" for a day);
 * {@code kiln engine info} always asks afresh and replaces the entry. A cache that cannot be read
 * or written is ignored: it only saves time.
 */
public final class CapsCache {
  static final Duration MAX_AGE = Duration.ofHours(24);
  /** Capabilities every BuildKit announces (v0.6 and later): an entry without them is not an engine's. */
  static final Set<String> BASELINE = Set.of("source.image", "source.local", "exec.meta.base", "file.base");
  private static final Pattern CAP = Pattern.compile("[a-z0-9][a-z0-9._-]*");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final Clock clock;
  private final boolean read;

  CapsCache(Path dir, Clock clock) {
    this(dir, clock, true);
  }

  private CapsCache(Path dir, Clock clock, boolean read) {
    this.dir = dir;
    this.clock = clock;
    this.read = read;
  }

  /** This cache, never read but written: what is probed replaces what is stored. */
  public CapsCache refreshing() {
    return new CapsCache(dir, clock, false);
  }

  /** The cache in the user's cache directory ({@code $XDG_CACHE_HOME/kiln/engines}). */
  public static CapsCache forUser(Map<String, String> env) {
    String xdg = env.get("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return new CapsCache(base.resolve("kiln").resolve("engines"), Clock.systemUTC());
  }

  /** A cache that never holds anything: every probe asks the engine. */
  public static CapsCache none() {
    return new CapsCache(null, Clock.systemUTC());
  }

  /** Capabilities (enabled; disabled with reasons) stored for {@code fingerprint}, if fresh. */
  Optional<Entry> lookup(String fingerprint) {
    if (dir == null || !read) {
      return Optional.empty();
    }
    try {
      // The tree, not data binding: binding's first use costs about 15 ms more of every start.
      JsonNode s = JSON.readTree(file(fingerprint).toFile());
      if (s == null || !s.path("probedAt").isIntegralNumber() || !s.path("caps").isArray()
          || !s.path("disabled").isObject()) {
        return Optional.empty();
      }
      Instant at = Instant.ofEpochMilli(s.path("probedAt").asLong());
      if (!fingerprint.equals(s.path("fingerprint").asText()) || at.plus(MAX_AGE).isBefore(clock.instant())
          || at.isAfter(clock.instant().plusSeconds(60))) {
        return Optional.empty();
      }
      Set<String> caps = new TreeSet<>();
      for (JsonNode c : s.get("caps")) {
        if (!c.isTextual() || !CAP.matcher(c.textValue()).matches()) {
          return Optional.empty();
        }
        caps.add(c.textValue());
      }
      Map<String, String> disabled = new TreeMap<>();
      for (var it = s.get("disabled").fields(); it.hasNext(); ) {
        var e = it.next();
        if (!e.getValue().isTextual() || caps.contains(e.getKey())) {
          return Optional.empty();
        }
        disabled.put(e.getKey(), e.getValue().textValue());
      }
      if (!caps.containsAll(BASELINE)) {
        return Optional.empty();
      }
      return Optional.of(new Entry(caps, disabled));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Stores what the engine with {@code fingerprint} announced. */
  void store(String fingerprint, Set<String> caps, Map<String, String> disabled) {
    if (dir == null) {
      return;
    }
    try {
      Files.createDirectories(dir);
      ObjectNode s = JSON.createObjectNode();
      s.put("fingerprint", fingerprint);
      s.put("probedAt", clock.millis());
      new TreeSet<>(caps).forEach(s.putArray("caps")::add);
      ObjectNode off = s.putObject("disabled");
      new TreeMap<>(disabled).forEach(off::put);
      Path target = file(fingerprint);
      Path tmp = Files.createTempFile(dir, ".caps", ".tmp");
      JSON.writeValue(tmp.toFile(), s);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException e) {
      // best effort: the next run probes again
    }
  }

  private Path file(String fingerprint) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(fingerprint.getBytes(StandardCharsets.UTF_8));
      return dir.resolve(HexFormat.of().formatHex(h, 0, 12) + ".json");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Cached capabilities. */
  record Entry(Set<String> caps, Map<String, String> disabled) {}
}
