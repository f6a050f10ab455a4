package dev.kiln.evaluator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.model.PipelineException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.pkl.core.http.HttpClient;

/**
 * The project's cache of downloaded Pkl packages, {@code .kiln/packages/}, in Pkl's own layout
 * ({@code package-2/<host>/<path>@<version>/<name>@<version>.json} and {@code .zip}), so Pkl reads
 * it directly. Pkl trusts whatever a cache holds; Kiln checks every file against the checksums of
 * {@code PklProject.deps.json} before each evaluation.
 */
final class PackageCache {
  /** Where a project's packages are cached, relative to its root. */
  static final Path DIRECTORY = Path.of(".kiln", "packages");

  private final Path dir;

  PackageCache(Path dir) {
    this.dir = dir;
  }

  static PackageCache of(Path projectRoot) {
    return new PackageCache(projectRoot.resolve(DIRECTORY));
  }

  Path dir() {
    return dir;
  }

  /** The cached metadata of {@code uri} ({@code projectpackage://host/path@1.2.0}). */
  Path metadata(String uri) {
    return base(uri).resolveSibling(base(uri).getFileName() + ".json");
  }

  /** The cached zip of {@code uri}. */
  Path zip(String uri) {
    return base(uri).resolveSibling(base(uri).getFileName() + ".zip");
  }

  private Path base(String uri) {
    URI u = URI.create(uri);
    String path = u.getPath();
    String last = path.substring(path.lastIndexOf('/') + 1);
    // Pkl encodes the authority's ':' (localhost:8443 -> localhost(3a)8443).
    return dir.resolve("package-2").resolve(u.getRawAuthority().replace(":", "(3a)"))
        .resolve(path.substring(1)).resolve(last);
  }

  /**
   * Checks that the package {@code p} is cached and that its files are the ones deps.json pins.
   *
   * @throws PipelineException when a file is missing or differs, located at the package in the PklProject
   */
  void verify(PklProjectFile project, PklProjectFile.Resolved p) {
    Path meta = metadata(p.uri());
    Path zip = zip(p.uri());
    String where = p.packageUri().replaceFirst("@[^@]*$", "");
    if (!Files.isRegularFile(meta) || !Files.isRegularFile(zip)) {
      throw new PipelineException("the package `" + p.packageUri() + "` is not in the project's package cache ("
          + DIRECTORY + "/)", project.locate(where),
          "run `kiln deps resolve` (online, once) to download the packages PklProject.deps.json pins");
    }
    String metaSum = sha256(meta);
    if (!metaSum.equals(p.sha256())) {
      throw mismatch(project, p, where, meta, metaSum, p.sha256());
    }
    String zipSum;
    String expected;
    try {
      JsonNode json = new ObjectMapper().readTree(meta.toFile());
      expected = json.path("packageZipChecksums").path("sha256").asText("");
      zipSum = sha256(zip);
    } catch (IOException e) {
      throw new PipelineException("cannot read the cached package `" + p.packageUri() + "`: " + e.getMessage(),
          project.locate(where), "delete " + DIRECTORY + "/ and run `kiln deps resolve`");
    }
    if (!zipSum.equals(expected)) {
      throw mismatch(project, p, where, zip, zipSum, expected);
    }
  }

  private static PipelineException mismatch(PklProjectFile project, PklProjectFile.Resolved p, String where,
      Path file, String computed, String expected) {
    return new PipelineException("checksum mismatch for the package `" + p.packageUri() + "`: its cached "
        + (file.toString().endsWith(".zip") ? "zip" : "metadata") + " has sha256 " + computed + ", but "
        + (file.toString().endsWith(".zip") ? "its metadata says " : PklProjectFile.DEPS + " pins ") + expected,
        project.locate(where), "the cached file was changed: delete " + PklErrors.display(file)
        + " and run `kiln deps resolve`; if the download differs too, the package was republished: ask its"
        + " publisher, and pin the new checksum only if they confirm it");
  }

  static String sha256(Path file) {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Copies the verified package {@code p} into another cache in Pkl's layout (an editor's, {@code
   * ~/.pkl/cache}), unless it is there; files are made read-only as Pkl makes them.
   */
  void copyTo(PackageCache other, PklProjectFile.Resolved p) throws IOException {
    for (Path[] pair : new Path[][] {{metadata(p.uri()), other.metadata(p.uri())}, {zip(p.uri()), other.zip(p.uri())}}) {
      if (Files.exists(pair[1])) {
        continue;
      }
      Files.createDirectories(pair[1].getParent());
      Path tmp = Files.createTempFile(pair[1].getParent(), ".kiln", ".tmp");
      Files.copy(pair[0], tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tmp, pair[1], StandardCopyOption.ATOMIC_MOVE);
      pair[1].toFile().setReadOnly();
    }
  }

  /** An HTTP client that never connects: evaluation reads packages from the cache only. */
  static HttpClient offline() {
    return new HttpClient() {
      @Override
      public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        throw new IOException("Kiln evaluates pipelines offline; `" + request.uri()
            + "` is not in the project's package cache (run `kiln deps resolve`)");
      }

      @Override
      public void close() {}
    };
  }
}
