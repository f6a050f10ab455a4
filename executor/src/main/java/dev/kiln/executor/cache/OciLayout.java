package dev.kiln.executor.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A directory in OCI image layout ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/…})
 * holding a {@code type=local} cache, as buildx writes it. Blobs are content-addressed and appear
 * only complete and verified; {@code index.json} is replaced atomically, so a reader never sees a
 * half-written cache and a failed export leaves the previous one intact.
 */
public final class OciLayout {
  /** The annotation naming an index entry, as buildx's {@code tag} attribute does. */
  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Threads of one process must not both take the file lock (the JVM refuses overlapping locks). */
  private static final ConcurrentHashMap<Path, Object> LOCKS =
      new ConcurrentHashMap<>();

  private final Path dir;

  /** The layout at {@code dir}, which need not exist yet (an export creates it). */
  public OciLayout(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  /** Whether {@code digest} is a sha256 digest, the only algorithm the layout stores. */
  public static boolean isDigest(String digest) {
    return SHA256.matcher(digest).matches();
  }

  /** The size of blob {@code digest}, if the layout has it. */
  public Optional<Long> size(String digest) throws IOException {
    Path p = blob(digest);
    try {
      return Optional.of(Files.size(p));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** The file holding blob {@code digest} (which may not exist). */
  public Path blob(String digest) {
    if (!isDigest(digest)) {
      throw new IllegalArgumentException("not a sha256 digest: " + digest);
    }
    return dir.resolve("blobs").resolve("sha256").resolve(digest.substring("sha256:".length()));
  }

  /** Starts writing a blob; nothing is visible until {@link Ingest#commit} verifies it. */
  public Ingest ingest() throws IOException {
    Path ingest = dir.resolve("ingest");
    Files.createDirectories(ingest);
    return new Ingest(Files.createTempFile(ingest, "blob-", ".partial"));
  }

  /** A committed blob is not the size or digest the writer announced. */
  public static final class CommitMismatchException extends IOException {
    CommitMismatchException(String message) {
      super(message);
    }
  }

  /** A blob being written. */
  public final class Ingest implements AutoCloseable {
    private final Path file;
    private OutputStream out;
    private MessageDigest sha256;
    private long offset;

    private Ingest(Path file) throws IOException {
      this.file = file;
      reset();
    }

    /** How many bytes have been written. */
    public long offset() {
      return offset;
    }

    /** Discards what was written and starts again at offset 0. */
    public void reset() throws IOException {
      if (out != null) {
        out.close();
      }
      try {
        sha256 = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      out = new DigestOutputStream(Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING), sha256);
      offset = 0;
    }

    /** Appends {@code data}. */
    public void write(byte[] data) throws IOException {
      out.write(data);
      offset += data.length;
    }

    /**
     * Verifies the blob against {@code size} (when positive) and {@code expected} (when not empty)
     * and moves it into the layout.
     *
     * @return the blob's digest
     * @throws CommitMismatchException when the content is not what was announced
     * @throws IOException when the blob cannot be written
     */
    public String commit(long size, String expected) throws IOException {
      out.close();
      String actual = "sha256:" + HexFormat.of().formatHex(sha256.digest());
      if (size > 0 && size != offset) {
        throw new CommitMismatchException("unexpected commit size " + offset + ", expected " + size);
      }
      if (!expected.isEmpty() && !expected.equals(actual)) {
        throw new CommitMismatchException("unexpected commit digest " + actual + ", expected " + expected);
      }
      Path target = blob(actual);
      Files.createDirectories(target.getParent());
      if (!Files.exists(target)) {
        readable(file);
        moveAtomically(file, target);
      }
      return actual;
    }

    @Override
    public void close() throws IOException {
      out.close();
      Files.deleteIfExists(file);
    }
  }

  /** The manifests {@code index.json} lists, as JSON descriptors; empty when it does not exist. */
  public List<JsonNode> manifests() throws IOException {
    Path index = dir.resolve("index.json");
    if (!Files.exists(index)) {
      return List.of();
    }
    List<JsonNode> out = new ArrayList<>();
    JsonNode manifests = JSON.readTree(index.toFile()).path("manifests");
    manifests.forEach(out::add);
    return out;
  }

  /**
   * Lists {@code descriptor} in {@code index.json} once per annotation set of {@code entries}, each
   * replacing the entry with the same {@link #REF_NAME}, in one write. Other processes writing the
   * same layout wait for a lock.
   */
  public void put(JsonNode descriptor, List<Map<String, String>> entries) throws IOException {
    Files.createDirectories(dir);
    List<ObjectNode> added = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Map<String, String> annotations : entries) {
      ObjectNode entry = descriptor.deepCopy();
      ObjectNode ann = entry.with("annotations");
      annotations.forEach(ann::put);
      added.add(entry);
      if (!ann.path(REF_NAME).asText("").isEmpty()) {
        names.add(ann.path(REF_NAME).asText());
      }
    }
    synchronized (LOCKS.computeIfAbsent(dir, d -> new Object())) {
      putLocked(added, names);
    }
  }

  private void putLocked(List<ObjectNode> added, Set<String> names) throws IOException {
    try (FileChannel lockFile = FileChannel.open(dir.resolve("index.json.lock"),
            StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = lockFile.lock()) {
      Path layout = dir.resolve("oci-layout");
      if (!Files.exists(layout)) {
        writeAtomically(layout, "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes());
      }
      ObjectNode index = JSON.createObjectNode();
      index.put("schemaVersion", 2);
      index.put("mediaType", "application/vnd.oci.image.index.v1+json");
      ArrayNode manifests = index.putArray("manifests");
      for (JsonNode m : manifests()) {
        if (!names.contains(m.path("annotations").path(REF_NAME).asText(""))) {
          manifests.add(m);
        }
      }
      added.forEach(manifests::add);
      writeAtomically(dir.resolve("index.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(index));
    }
  }

  private void writeAtomically(Path target, byte[] content) throws IOException {
    Path tmp = Files.createTempFile(dir, ".tmp-", "");
    try {
      Files.write(tmp, content);
      readable(tmp);
      moveAtomically(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Temporary files are private to their owner; a cache is shared (other users, CI runners on a
   * shared volume), so what it keeps is world-readable, as buildx writes it.
   */
  private static void readable(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: its defaults apply
    }
  }

  private static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    } catch (FileAlreadyExistsException e) {
      // Another writer committed the same content first.
    }
  }
}
