package dev.kiln.evaluator;

import dev.kiln.model.PipelineException;
import dev.kiln.model.SourceLocation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.naming.OperationNotSupportedException;
import org.pkl.core.PklException;
import org.pkl.core.SecurityManager;
import org.pkl.core.SecurityManagerException;
import org.pkl.core.SecurityManagers;
import org.pkl.core.StackFrameTransformers;
import org.pkl.core.http.HttpClient;
import org.pkl.core.packages.Checksums;
import org.pkl.core.packages.PackageLoadError;
import org.pkl.core.packages.PackageResolver;
import org.pkl.core.packages.PackageUri;
import org.pkl.core.project.ProjectDependenciesResolver;
import org.pkl.core.project.ProjectPackager;

/**
 * A project's Pkl packages, as the {@code kiln deps} and {@code kiln package} commands see them:
 * resolving {@code PklProject} into {@code PklProject.deps.json} and downloading the packages it
 * pins into {@code .kiln/packages/} (the only time Kiln touches the network for Pkl), and building a
 * library's package for publishing.
 */
public final class PklPackages {
  private PklPackages() {}

  /** A package resolve pinned: its dependency key, {@code package://} URI and metadata sha256. */
  public record Pinned(String key, String uri, String sha256, boolean remote) {}

  /** The artifacts of a packaged library, to upload as its metadata's URLs say. */
  public record Packaged(String packageUri, Path metadata, Path zip, String sha256) {}

  /** How {@link #resolve} reaches package servers. */
  public record Network(List<Path> caCertificates, Duration timeout) {
    public Network {
      caCertificates = List.copyOf(caCertificates);
    }
  }

  /**
   * Resolves the PklProject of {@code root} into its deps.json and downloads every remote package
   * into the project's cache, each checked against its checksum. A package deps.json already pinned
   * at the same version must still have the pinned checksum (a republished package is an error,
   * never silently re-pinned). With {@code editorCache}, the packages are also copied into that Pkl
   * cache directory ({@code ~/.pkl/cache}, which Pkl's editors read).
   *
   * @throws PipelineException when the PklProject is missing or invalid, or a package cannot be resolved
   */
  public static List<Pinned> resolve(Path root, Network network, Path editorCache) {
    Path abs = root.toAbsolutePath().normalize();
    PklProjectFile project = PklProjectFile.of(abs, true).orElseThrow(() -> new PipelineException(
        "there is no " + PklProjectFile.NAME + " in " + PklErrors.display(abs), SourceLocation.of(PklErrors.display(abs)),
        "declare the packages the pipeline imports in a PklProject beside it (see `kiln deps --help`)"));
    Map<String, String> pinned = new HashMap<>();
    if (Files.isRegularFile(abs.resolve(PklProjectFile.DEPS))) {
      PklProjectFile.of(abs, false).orElseThrow().resolved().forEach(r -> pinned.put(r.uri(), r.sha256()));
    }
    PackageCache cache = PackageCache.of(abs);
    HttpClient.Builder http = HttpClient.builder().setUserAgent("kiln").setConnectTimeout(network.timeout())
        .setRequestTimeout(network.timeout());
    network.caCertificates().forEach(http::addCertificates);
    try (HttpClient client = http.build();
        PackageResolver packages = PackageResolver.getInstance(downloads(), client, cache.dir())) {
      KilnPackage.seed(project, cache);
      ByteArrayOutputStream json = new ByteArrayOutputStream();
      StringWriter log = new StringWriter();
      new ProjectDependenciesResolver(project.project(), packages, log).resolve().writeTo(json);
      Path depsFile = abs.resolve(PklProjectFile.DEPS);
      Path tmp = Files.createTempFile(abs, "." + PklProjectFile.DEPS, ".tmp");
      try {
        Files.write(tmp, json.toByteArray());
        List<PklProjectFile.Resolved> resolved = PklProjectFile.parseDeps(tmp, depsFile);
        for (PklProjectFile.Resolved r : resolved) {
          String before = pinned.get(r.uri());
          if (r.remote() && before != null && !before.equals(r.sha256())) {
            throw new PipelineException("checksum mismatch for the package `" + r.packageUri() + "`: "
                + PklProjectFile.DEPS + " pins sha256 " + before + ", the server now serves " + r.sha256(),
                project.locate(r.packageUri().replaceFirst("@[^@]*$", "")),
                "a published version must never change: ask the package's publisher; to accept the new"
                + " contents, delete its entry from " + PklProjectFile.DEPS + " and resolve again");
          }
        }
        for (PklProjectFile.Resolved r : resolved) {
          if (r.remote()) {
            packages.downloadPackage(PackageUri.create(r.packageUri()), new Checksums(r.sha256()), true);
            cache.verify(project, r);
          }
        }
        Files.move(tmp, depsFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        List<Pinned> out = new ArrayList<>();
        for (PklProjectFile.Resolved r : resolved) {
          if (r.remote() && editorCache != null) {
            cache.copyTo(new PackageCache(editorCache), r);
          }
          out.add(new Pinned(r.key(), r.packageUri(), r.sha256(), r.remote()));
        }
        return out;
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (PklException | PackageLoadError | IOException | SecurityManagerException
        | OperationNotSupportedException e) {
      throw located(project, e);
    }
  }

  /** What resolving may fetch: package metadata and zips over https, nothing else. */
  private static SecurityManager downloads() {
    return SecurityManagers.standard(List.of(Pattern.compile("package:"), Pattern.compile("projectpackage:")),
        List.of(Pattern.compile("https:")), SecurityManagers.defaultTrustLevels, null);
  }

  /** A resolve failure, located at the first package of the PklProject its message names. */
  private static PipelineException located(PklProjectFile project, Exception e) {
    String msg = e instanceof PackageLoadError p
        ? org.pkl.core.util.ErrorMessages.create(p.getMessageName(), p.getArguments())
        : String.valueOf(e.getMessage());
    msg = msg.replace("`pkl project resolve`", "`kiln deps resolve`").strip();
    SourceLocation at = SourceLocation.of(PklErrors.display(project.file()));
    for (var dep : project.dependencies().getRemoteDependencies().values()) {
      String base = dep.getPackageUri().toString().replaceFirst("@[^@]*$", "");
      if (msg.contains(base.substring(base.indexOf("://") + 3))) {
        at = project.locate(base);
        break;
      }
    }
    List<String> lines = msg.lines().filter(l -> !l.isBlank()).map(String::strip).toList();
    // "Error during SSL handshake with host `h`:" is followed by its reason on the next line.
    int head = lines.size() > 1 && lines.get(0).endsWith(":") ? 2 : 1;
    String first = String.join(" ", lines.subList(0, Math.min(head, lines.size())));
    String rest = lines.size() > head ? String.join("; ", lines.subList(head, lines.size())) : null;
    if (msg.contains("SSL handshake") || msg.contains("Error connecting to host")
        || msg.contains("Exception when making request") || e instanceof java.net.http.HttpTimeoutException) {
      rest = (rest == null ? "" : rest + "; ")
          + "check the package server is reachable (and trusted: `--ca-cert FILE` for a private CA)";
    }
    return new PipelineException(first, at, rest, e);
  }

  /**
   * Builds Kiln's own package, its schema and standard library ({@code package://pkg.kiln.dev/kiln}
   * at this Kiln's schema version), into {@code outDir/kiln@VERSION/}, to publish for editors.
   */
  public static Packaged packKiln(Path outDir) {
    return KilnPackage.build(outDir);
  }

  /**
   * Builds the package of the library project in {@code dir} (its PklProject's {@code package}
   * section) into {@code outDir/NAME@VERSION/}: the metadata (upload to the package URI's https URL), the zip
   * (upload to {@code packageZipUrl}) and their {@code .sha256} files. Reproducible: the same
   * sources give the same bytes, hence the same checksum to pin.
   *
   * @throws PipelineException when the project is invalid or has no package section
   */
  public static Packaged pack(Path dir, Path outDir) {
    Path abs = dir.toAbsolutePath().normalize();
    PklProjectFile project = PklProjectFile.of(abs, false).orElseThrow(() -> new PipelineException(
        "there is no " + PklProjectFile.NAME + " in " + PklErrors.display(abs), SourceLocation.of(PklErrors.display(abs)),
        "a library is a directory with a PklProject that has a `package { name; baseUri; version; packageZipUrl }`"));
    if (project.project().getPackage() == null) {
      throw new PipelineException("the PklProject has no `package` section", project.locate("amends"),
          "add `package { name = \"...\"; baseUri = \"package://host/path\"; version = \"1.0.0\";"
          + " packageZipUrl = \"https://host/path@\\(version).zip\" }`");
    }
    StringWriter log = new StringWriter();
    try (HttpClient client = PackageCache.offline()) {
      ProjectPackager packager = new ProjectPackager(List.of(project.project()), abs,
          outDir.toAbsolutePath().normalize() + "/%{name}@%{version}", StackFrameTransformers.empty, false,
          PklProjectFile.sandbox(abs), client, true, log);
      var result = packager.doPackage(project.project());
      // pkl-core 0.30.0 swaps zipFile and metadataFile in PackageResult (apple/pkl's ProjectPackager).
      Path a = result.zipFile();
      Path b = result.metadataFile();
      Path zip = a.toString().endsWith(".zip") ? a : b;
      Path meta = zip == a ? b : a;
      return new Packaged(project.project().getPackage().getUri().toString(), meta, zip, result.metadataChecksum());
    } catch (PklException e) {
      throw new PipelineException(e.getMessage().lines().findFirst().orElse("packaging failed"),
          SourceLocation.of(PklErrors.display(project.file())), null, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
