package dev.kiln.evaluator;

import dev.kiln.model.Pipeline;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Earlier evaluations of a project's pipelines, reused while nothing they read changed: Pkl's
 * start and evaluation are most of a cached run's time. An entry is keyed by the Kiln build, the
 * pipeline file and the parameter overrides, and holds the content digest of every file the
 * evaluation read (modules, resources, files functions depend on) and of every host environment
 * variable the pipeline may read. Only valid pipelines are stored; an unreadable entry is ignored.
 */
final class EvaluationCache {
  private static final String ABSENT = "absent";
  /** Entries kept per project: every Kiln build and parameter set makes its own. */
  static final int MAX_ENTRIES = 32;
  /**
   * The largest entry stored: a pipeline may evaluate to gigabytes (a huge string), which must not
   * land in the project's {@code .kiln}; reading an entry this size back takes well under a second.
   */
  static final long MAX_ENTRY_BYTES = 64L << 20;

  private final Path dir;
  private final String buildId;
  private final long maxEntryBytes;

  /**
   * @param dir where entries live, e.g. {@code <project>/.kiln/cache/evaluations}
   * @param buildId identifies the Kiln build: a model evaluated by another build is never reused
   */
  EvaluationCache(Path dir, String buildId) {
    this(dir, buildId, MAX_ENTRY_BYTES);
  }

  EvaluationCache(Path dir, String buildId, long maxEntryBytes) {
    this.dir = dir;
    this.buildId = buildId;
    this.maxEntryBytes = maxEntryBytes;
  }

  /** What identifies an evaluation besides the files and variables it read. */
  String key(Path pipeline, Map<String, String> params, Path paramsFile) {
    // The working directory too: the model's source locations are relative to it.
    return String.join("\n", buildId, System.getProperty("user.dir"), pipeline.toAbsolutePath().normalize().toString(),
        new TreeMap<>(params).toString(), paramsFile == null ? "" : paramsFile.toAbsolutePath().normalize().toString());
  }

  /** The evaluation stored for {@code key}, if every input it recorded is unchanged. */
  Optional<Evaluation> lookup(String key, Map<String, String> environment) {
    Path file = file(key);
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      Entry e = Entry.read(in);
      if (!e.key.equals(key)) {
        return Optional.empty();
      }
      for (var input : e.files.entrySet()) {
        if (!input.getValue().equals(digest(Path.of(input.getKey())))) {
          return Optional.empty();
        }
      }
      for (var v : e.env.entrySet()) {
        String value = environment.get(v.getKey());
        if (!v.getValue().equals(value == null ? ABSENT : digest(value.getBytes(StandardCharsets.UTF_8)))) {
          return Optional.empty();
        }
      }
      touch(file);
      return Optional.of(new Evaluation(e.pipeline, e.files.keySet().stream().map(Path::of).collect(Collectors.toSet()),
          e.functionFiles.stream().map(Path::of).collect(Collectors.toSet()), null));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // corrupt or from an incompatible build: evaluate again
    }
  }

  /**
   * Stores {@code evaluation} under {@code key} with the digests of its inputs and of the
   * {@code declaredEnv} variables' values. Best effort: a failure only costs the next run time.
   *
   * @return why it was not stored when that is worth saying (too large), else empty
   */
  Optional<String> store(String key, Evaluation evaluation, Set<String> declaredEnv, Map<String, String> environment) {
    try {
      Entry e = new Entry();
      e.key = key;
      e.pipeline = evaluation.pipeline();
      evaluation.functionInputs().forEach(f -> e.functionFiles.add(f.toString()));
      for (Path f : evaluation.inputs()) {
        e.files.put(f.toString(), digest(f));
      }
      for (String name : declaredEnv) {
        String value = environment.get(name);
        e.env.put(name, value == null ? ABSENT : digest(value.getBytes(StandardCharsets.UTF_8)));
      }
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".entry", ".tmp");
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
          new CappedOutputStream(Files.newOutputStream(tmp), maxEntryBytes)))) {
        e.write(out);
      } catch (CappedOutputStream.CapExceeded ex) {
        Files.deleteIfExists(tmp);
        return Optional.of("the evaluated pipeline is larger than " + (maxEntryBytes >> 20)
            + " MiB, so it is not cached: it is evaluated again on every run");
      } catch (IOException | RuntimeException ex) {
        Files.deleteIfExists(tmp); // a model the codec cannot store: this pipeline is evaluated each time
        throw ex;
      }
      try {
        Files.move(tmp, file(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException ex) {
        Files.move(tmp, file(key), StandardCopyOption.REPLACE_EXISTING);
      }
      evictBeyond(MAX_ENTRIES);
    } catch (IOException | RuntimeException e) {
      // best effort
    }
    return Optional.empty();
  }

  /** Marks an entry as used, so that eviction removes the least recently used ones first. */
  private static void touch(Path file) {
    try {
      Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
    } catch (IOException e) {
      // a read-only cache still serves hits
    }
  }

  /** Deletes the least recently used entries while more than {@code max} remain. */
  private void evictBeyond(int max) throws IOException {
    List<Path> entries;
    try (var files = Files.list(dir)) {
      entries = files.filter(f -> f.getFileName().toString().endsWith(".bin")).toList();
    }
    if (entries.size() <= max) {
      return;
    }
    Map<Path, FileTime> used = new HashMap<>();
    for (Path f : entries) {
      try {
        used.put(f, Files.getLastModifiedTime(f));
      } catch (IOException e) {
        // deleted meanwhile by another run
      }
    }
    List<Path> oldestFirst = used.keySet().stream().sorted(Comparator.comparing(used::get)).toList();
    for (Path f : oldestFirst.subList(0, Math.max(0, oldestFirst.size() - max))) {
      Files.deleteIfExists(f);
    }
  }

  Path file(String key) {
    return dir.resolve(digest(key.getBytes(StandardCharsets.UTF_8)).substring(0, 32) + ".bin");
  }

  private static String digest(Path file) {
    try {
      return digest(Files.readAllBytes(file));
    } catch (IOException e) {
      return ABSENT;
    }
  }

  private static String digest(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One stored evaluation. */
  private static final class Entry {
    private static final String FORMAT = "kiln-evaluation-2";
    String key;
    final TreeMap<String, String> files = new TreeMap<>();
    final TreeMap<String, String> env = new TreeMap<>();
    final TreeSet<String> functionFiles = new TreeSet<>();
    Pipeline pipeline;

    void write(DataOutputStream out) throws IOException {
      ModelCodec.writeString(out, FORMAT);
      ModelCodec.writeString(out, key);
      ModelCodec.write(out, files);
      ModelCodec.write(out, env);
      ModelCodec.write(out, List.copyOf(functionFiles));
      ModelCodec.write(out, pipeline);
    }

    @SuppressWarnings("unchecked")
    static Entry read(DataInputStream in) throws IOException {
      if (!FORMAT.equals(ModelCodec.readString(in))) {
        throw new IOException("not an evaluation of this format");
      }
      Entry e = new Entry();
      e.key = ModelCodec.readString(in);
      e.files.putAll((Map<String, String>) ModelCodec.read(in));
      e.env.putAll((Map<String, String>) ModelCodec.read(in));
      e.functionFiles.addAll((List<String>) ModelCodec.read(in));
      e.pipeline = (Pipeline) ModelCodec.read(in);
      return e;
    }
  }
}
