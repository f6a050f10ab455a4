package dev.kiln.evaluator;

import dev.kiln.model.PipelineException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Kiln's schema and standard library as a Pkl package, {@code package://pkg.kiln.dev/kiln@<schema
 * version>.0.0}, so pipelines and team libraries can pin it ({@code amends "@kiln/Pipeline.pkl"},
 * {@code import "@kiln/std/go.pkl"}) and share one schema module. Each Kiln builds it from its
 * bundled modules, reproducibly, and puts it in the project's cache when a PklProject pins it: no
 * server is needed for the version a Kiln runs, and no other version can be pinned.
 */
final class KilnPackage {
  /** The package's base URI, without a version. */
  static final String BASE = "package://pkg.kiln.dev/kiln";

  private KilnPackage() {}

  /** The version this Kiln provides: its schema's, as semver. */
  static String version() {
    return KilnSchema.version() + ".0.0";
  }

  /** The package URI of this Kiln's version. */
  static String uri() {
    return BASE + "@" + version();
  }

  /** Whether {@code packageUri} ({@code package://...@1.2.3}) names Kiln's package, at any version. */
  static boolean isKiln(String packageUri) {
    return packageUri.replaceFirst("^projectpackage:", "package:").startsWith(BASE + "@");
  }

  /**
   * Builds the package into {@code outDir/kiln@VERSION/}: Pipeline.pkl and std/, as bundled.
   *
   * @return the built artifacts
   */
  static PklPackages.Packaged build(Path outDir) {
    try {
      Path src = Files.createTempDirectory("kiln-package-");
      try {
        for (String module : KilnSchema.MODULES) {
          Path file = src.resolve(module);
          Files.createDirectories(file.getParent());
          Files.writeString(file, KilnSchema.read(module).orElseThrow());
        }
        Files.writeString(src.resolve(PklProjectFile.NAME), """
            amends "pkl:Project"

            package {
              name = "kiln"
              baseUri = "%s"
              version = "%s"
              packageZipUrl = "https://pkg.kiln.dev/kiln@\\(version).zip"
              description = "Kiln's pipeline schema (Pipeline.pkl) and standard library (std/)"
            }
            """.formatted(BASE, version()));
        return PklPackages.pack(src, outDir);
      } finally {
        deleteTree(src);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Puts this Kiln's package into {@code cache} if the project pins Kiln's package, so resolving it
   * needs no network; a pin of another version is an error at the PklProject's line.
   */
  static void seed(PklProjectFile project, PackageCache cache) throws IOException {
    for (var dep : project.dependencies().getRemoteDependencies().values()) {
      String uri = dep.getPackageUri().toString().replaceFirst("::sha256:.*$", "");
      if (!isKiln(uri)) {
        continue;
      }
      if (!uri.equals(uri())) {
        throw otherVersion(project, uri);
      }
      if (Files.isRegularFile(cache.metadata(uri)) && Files.isRegularFile(cache.zip(uri))) {
        return;
      }
      Path tmp = Files.createTempDirectory(Files.createDirectories(cache.dir()), ".kiln-package-");
      try {
        PklPackages.Packaged p = build(tmp);
        for (Path[] pair : new Path[][] {{p.metadata(), cache.metadata(uri)}, {p.zip(), cache.zip(uri)}}) {
          Files.createDirectories(pair[1].getParent());
          Files.move(pair[0], pair[1], java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        deleteTree(tmp);
      }
      return;
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }

  /** The error for a pin of a version of Kiln's package that this Kiln does not run. */
  static PipelineException otherVersion(PklProjectFile project, String uri) {
    return new PipelineException("the PklProject pins `" + uri.replaceFirst("^projectpackage:", "package:")
        + "`, but this Kiln's schema is `" + uri() + "`", project.locate(BASE),
        "pin `" + uri() + "` and run `kiln deps resolve` (the schema a pipeline amends must be the Kiln's that runs it)");
  }
}
