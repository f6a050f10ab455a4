package dev.kiln.evaluator;

import dev.kiln.model.File;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.pkl.core.SecurityManager;
import org.pkl.core.module.ModuleKey;
import org.pkl.core.module.ModuleKeyFactory;
import org.pkl.core.module.ResolvedModuleKey;
import org.pkl.core.module.ResolvedModuleKeys;

/**
 * Serves the bundled modules ({@link KilnSchema#MODULES}: the schema and its standard library under
 * {@code std/}), and the stubs of the functions loaded, for {@code file:} URIs of the project's
 * {@code .kiln/schema/}, whether or not the vendored copy exists, so examples and fresh checkouts
 * evaluate without {@code kiln init}, and the schema, the standard library and the stubs are always
 * those of the Kiln running. Must come before the {@code file:} factory.
 */
final class SchemaModuleKeyFactory implements ModuleKeyFactory {
  private final Path schemaDir;
  private final FunctionStubs stubs;

  /** @param schemaDir where the bundled modules appear: a project's {@code .kiln/schema/}, or an engines file's {@code schema/} */
  SchemaModuleKeyFactory(Path schemaDir, FunctionStubs stubs) {
    this.schemaDir = schemaDir.toAbsolutePath().normalize();
    this.stubs = stubs;
  }

  @Override
  public Optional<ModuleKey> create(URI uri) {
    if (!"file".equals(uri.getScheme())) {
      return Optional.empty();
    }
    Path path = Path.of(uri).normalize();
    if (!path.startsWith(schemaDir) || path.equals(schemaDir)) {
      return Optional.empty();
    }
    // e.g. Pipeline.pkl, std/maven.pkl, functions/git.pkl
    String module = schemaDir.relativize(path).toString().replace(java.io.File.separatorChar, '/');
    return KilnSchema.read(module).or(() -> stubs.module(module)).map(text -> new Key(uri, text));
  }

  private record Key(URI uri, String text) implements ModuleKey {
    @Override
    public URI getUri() {
      return uri;
    }

    @Override
    public boolean hasHierarchicalUris() {
      return true;
    }

    @Override
    public boolean isGlobbable() {
      return false;
    }

    @Override
    public boolean isLocal() {
      return true;
    }

    @Override
    public ResolvedModuleKey resolve(SecurityManager securityManager) {
      // No security check: nothing is read from the file system; the vendored copy may even be a
      // symlink out of the project root, which the root-dir check would refuse.
      return ResolvedModuleKeys.virtual(this, uri, text, true);
    }
  }
}
