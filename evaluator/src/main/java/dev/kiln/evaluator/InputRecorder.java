package dev.kiln.evaluator;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.pkl.core.SecurityManager;
import org.pkl.core.SecurityManagerException;
import org.pkl.core.externalreader.ExternalReaderProcessException;
import org.pkl.core.module.ModuleKey;
import org.pkl.core.module.ModuleKeyFactory;
import org.pkl.core.module.PathElement;
import org.pkl.core.module.ResolvedModuleKey;
import org.pkl.core.resource.ResourceReader;

/**
 * Records what one evaluation read — modules and resources on the file system, files that
 * functions depend on — so {@link EvaluationCache} can tell when it must evaluate again. Globbed
 * imports and reads make an evaluation uncacheable: a new file matching the pattern would not be
 * noticed. What is not a regular file (a FIFO, a device) is refused before it is read.
 */
final class InputRecorder {
  private static final String BYTE_ORDER_MARK = "\uFEFF";
  private final Set<Path> files = ConcurrentHashMap.newKeySet();
  private volatile String uncacheable;

  void file(Path file) {
    files.add(file.toAbsolutePath().normalize());
  }

  void uncacheable(String reason) {
    if (uncacheable == null) {
      uncacheable = reason;
    }
  }

  /** The files read so far. */
  Set<Path> files() {
    return Set.copyOf(files);
  }

  /** Why the evaluation must not be reused, or null. */
  String uncacheableReason() {
    return uncacheable;
  }

  /** {@code delegate}, recording the {@code file:} modules it creates keys for. */
  ModuleKeyFactory modules(ModuleKeyFactory delegate) {
    return new ModuleKeyFactory() {
      @Override
      public Optional<ModuleKey> create(URI uri)
          throws URISyntaxException, ExternalReaderProcessException, IOException {
        Optional<ModuleKey> key = delegate.create(uri);
        if (key.isPresent() && "file".equals(uri.getScheme())) {
          file(Path.of(uri));
          return Optional.of(new RecordedModule(key.get()));
        }
        return key;
      }

      @Override
      public void close() {
        delegate.close();
      }
    };
  }

  /** {@code delegate}, recording the {@code file:} resources it reads. */
  ResourceReader resources(ResourceReader delegate) {
    return new ResourceReader() {
      @Override
      public String getUriScheme() {
        return delegate.getUriScheme();
      }

      @Override
      public boolean hasHierarchicalUris() throws ExternalReaderProcessException, IOException {
        return delegate.hasHierarchicalUris();
      }

      @Override
      public boolean isGlobbable() throws ExternalReaderProcessException, IOException {
        return delegate.isGlobbable();
      }

      @Override
      public void close() {
        delegate.close();
      }

      @Override
      public Optional<Object> read(URI uri)
          throws IOException, URISyntaxException, SecurityManagerException, ExternalReaderProcessException {
        if ("file".equals(uri.getScheme())) {
          FileKind.requireReadable(Path.of(uri));
          file(Path.of(uri));
        }
        return delegate.read(uri);
      }

      @Override
      public boolean hasFragmentPaths() {
        return delegate.hasFragmentPaths();
      }

      @Override
      public URI resolveUri(URI baseUri, URI uri) throws IOException, SecurityManagerException {
        return delegate.resolveUri(baseUri, uri);
      }

      @Override
      public boolean hasElement(SecurityManager securityManager, URI elementUri)
          throws IOException, SecurityManagerException, ExternalReaderProcessException {
        return delegate.hasElement(securityManager, elementUri);
      }

      @Override
      public List<PathElement> listElements(SecurityManager securityManager, URI baseUri)
          throws IOException, SecurityManagerException, ExternalReaderProcessException {
        uncacheable("a globbed read (read*) of " + baseUri);
        return delegate.listElements(securityManager, baseUri);
      }
    };
  }

  private final class RecordedModule implements ModuleKey {
    private final ModuleKey delegate;

    RecordedModule(ModuleKey delegate) {
      this.delegate = delegate;
    }

    @Override
    public URI getUri() {
      return delegate.getUri();
    }

    @Override
    public boolean isLocal() {
      return delegate.isLocal();
    }

    @Override
    public boolean hasHierarchicalUris() throws ExternalReaderProcessException, IOException {
      return delegate.hasHierarchicalUris();
    }

    @Override
    public boolean isGlobbable() throws ExternalReaderProcessException, IOException {
      return delegate.isGlobbable();
    }

    @Override
    public boolean hasFragmentPaths() {
      return delegate.hasFragmentPaths();
    }

    @Override
    public URI resolveUri(URI baseUri, URI uri) throws IOException, SecurityManagerException {
      return delegate.resolveUri(baseUri, uri);
    }

    @Override
    public boolean hasElement(SecurityManager securityManager, URI elementUri)
        throws IOException, SecurityManagerException, ExternalReaderProcessException {
      return delegate.hasElement(securityManager, elementUri);
    }

    @Override
    public List<PathElement> listElements(SecurityManager securityManager, URI baseUri)
        throws IOException, SecurityManagerException, ExternalReaderProcessException {
      uncacheable("a globbed import (import*) of " + baseUri);
      return delegate.listElements(securityManager, baseUri);
    }

    @Override
    public ResolvedModuleKey resolve(SecurityManager securityManager) throws IOException, SecurityManagerException {
      return new CheckedSource(delegate.resolve(securityManager)); // checked by Pkl's security manager by now
    }
  }

  /**
   * A module's source, read only when it is a regular file, and without a UTF-8 byte-order mark:
   * Pkl would read the mark as an identifier character ("Invalid identifier" at 1:1); editors on
   * Windows write one.
   */
  private static final class CheckedSource implements ResolvedModuleKey {
    private final ResolvedModuleKey delegate;

    CheckedSource(ResolvedModuleKey delegate) {
      this.delegate = delegate;
    }

    @Override
    public ModuleKey getOriginal() {
      return delegate.getOriginal();
    }

    @Override
    public URI getUri() {
      return delegate.getUri();
    }

    @Override
    public String loadSource() throws IOException {
      if ("file".equals(getUri().getScheme())) {
        FileKind.requireReadable(Path.of(getUri()));
      }
      String text = delegate.loadSource();
      return text.startsWith(BYTE_ORDER_MARK) ? text.substring(1) : text;
    }
  }
}
