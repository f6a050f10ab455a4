package dev.kiln.evaluator;

import dev.kiln.model.PipelineException;
import dev.kiln.model.SourceLocation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * Kiln's Pkl schema as bundled in the {@code kiln-pkl-schemas} jar. Projects vendor a copy under
 * {@code .kiln/schema/} (written by {@code kiln init}) for IDEs; at evaluation the bundled copy is
 * served for those paths, so a pipeline always runs against the schema of the Kiln running it.
 */
public final class KilnSchema {
  /** Where a project keeps its copy, relative to the project root. */
  public static final Path DIRECTORY = Path.of(".kiln", "schema");

  /** The file in {@link #DIRECTORY} naming the copy's version. */
  public static final String VERSION_FILE = "VERSION";

  /**
   * The bundled modules, by path relative to {@link #DIRECTORY}: the schema pipelines amend, and the
   * standard library under {@code std/} (which imports it as {@code ../Pipeline.pkl}).
   */
  public static final List<String> MODULES = List.of("Pipeline.pkl", "Engines.pkl", "std/debian.pkl", "std/go.pkl", "std/gradle.pkl",
      "std/image.pkl", "std/maven.pkl", "std/node.pkl");

  private static final String RESOURCES = "/kiln/schema/";

  private KilnSchema() {}

  /** The bundled schema's version. */
  public static String version() {
    return read(VERSION_FILE).orElseThrow().strip();
  }

  /**
   * The bundled text of {@code module}, e.g. {@code Pipeline.pkl} or {@code std/maven.pkl}, if it is
   * one of the {@link #MODULES}.
   */
  public static Optional<String> read(String module) {
    if (!module.equals(VERSION_FILE) && !MODULES.contains(module)) {
      return Optional.empty();
    }
    try (InputStream in = KilnSchema.class.getResourceAsStream(RESOURCES + module)) {
      if (in == null) {
        throw new IllegalStateException("kiln-pkl-schemas is not on the class path: " + module);
      }
      return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes the bundled modules (the schema and {@code std/}) and the version file to {@code
   * projectRoot/.kiln/schema/}, replacing an older copy.
   *
   * @return the directory written
   */
  public static Path writeTo(Path projectRoot) throws IOException {
    Path dir = projectRoot.resolve(DIRECTORY);
    Files.createDirectories(dir);
    for (String module : MODULES) {
      writeAtomically(dir.resolve(module), read(module).orElseThrow());
    }
    writeAtomically(dir.resolve(VERSION_FILE), version() + "\n");
    return dir;
  }

  /** Writes {@code text} beside {@code file} and renames it into place: editors never see half a module. */
  static void writeAtomically(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, text);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Checks that the project's copy, if there is one, is this Kiln's version.
   *
   * @throws PipelineException naming the stale copy, with a hint to re-run {@code kiln init}
   */
  static void checkVendoredCopy(Path projectRoot) {
    Path file = projectRoot.resolve(DIRECTORY).resolve(VERSION_FILE);
    if (!Files.isRegularFile(file)) {
      return;
    }
    String found;
    try {
      found = Files.readString(file).strip();
    } catch (IOException e) {
      return; // unreadable: the bundled copy is served anyway
    }
    if (!found.equals(version())) {
      throw new PipelineException(
          "the project's Kiln schema is version " + found + " but this kiln uses version " + version(),
          SourceLocation.of(file),
          "run `kiln init --schema-only` in " + projectRoot + " to update .kiln/schema/");
    }
  }
}
