package dev.kiln.evaluator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.pkl.core.EvaluatorBuilder;
import org.pkl.core.module.ModuleKeyFactories;
import org.pkl.core.module.ModuleKeyFactory;

/**
 * What the sandbox lets a pipeline import from Pkl packages: exactly the packages the project's
 * {@code PklProject.deps.json} pins (as {@code @name/...}), read from the project's cache after
 * their checksums are checked, never from the network; nothing when the project has no PklProject.
 */
final class PackageSandbox {
  private static final PackageSandbox NONE = new PackageSandbox(null);
  private final PklProjectFile project;

  private PackageSandbox(PklProjectFile project) {
    this.project = project;
  }

  /**
   * The sandbox for the project at {@code root}, its PklProject, deps.json and local libraries
   * recorded as inputs of the evaluation.
   *
   * @throws dev.kiln.model.PipelineException when they are invalid, or a pinned package is not
   *     cached or differs from its checksum
   */
  static PackageSandbox of(Path root, InputRecorder inputs) {
    var found = PklProjectFile.of(root, false);
    if (found.isEmpty()) {
      return NONE;
    }
    PklProjectFile project = found.get();
    inputs.file(project.file());
    if (Files.isRegularFile(root.resolve(PklProjectFile.DEPS))) {
      inputs.file(root.resolve(PklProjectFile.DEPS));
    }
    PackageCache cache = PackageCache.of(root);
    for (PklProjectFile.Resolved r : project.resolved()) {
      if (r.remote()) {
        if (KilnPackage.isKiln(r.uri()) && !r.packageUri().equals(KilnPackage.uri())) {
          throw KilnPackage.otherVersion(project, r.uri());
        }
        cache.verify(project, r);
      } else {
        // Pkl reads a local library's modules without the evaluator's factories: record them here.
        try (Stream<Path> files = Files.walk(r.path())) {
          files.filter(Files::isRegularFile).forEach(inputs::file);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return new PackageSandbox(project);
  }

  /** Adds what the declared packages need to an evaluator being built (no-op without a PklProject). */
  void configure(EvaluatorBuilder builder, List<ModuleKeyFactory> factories, List<Pattern> modules,
      List<Pattern> resources) {
    if (project == null) {
      return;
    }
    factories.add(ModuleKeyFactories.projectpackage);
    // Pkl names a local library's modules file:/path (the root's own pattern is file:///path).
    Pattern local = Pattern.compile(Pattern.quote("file:" + project.root() + "/"));
    modules.add(local);
    resources.add(local);
    for (PklProjectFile.Resolved r : project.resolved()) {
      // Exactly this version's modules: `#` ends the package part of a projectpackage: URI (a local
      // library's are then read as files under the project root).
      Pattern exact = Pattern.compile(Pattern.quote(r.uri() + "#"));
      modules.add(exact);
      resources.add(exact);
    }
    builder.setProjectDependencies(project.dependencies())
        .setModuleCacheDir(PackageCache.of(project.root()).dir())
        .setHttpClient(PackageCache.offline());
  }
}
