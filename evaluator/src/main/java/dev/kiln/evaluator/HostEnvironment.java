package dev.kiln.evaluator;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pkl.core.resource.ResourceReader;

/**
 * The {@code env:} resource reader: answers only the variables the pipeline declares in {@code
 * hostEnv}, which are known only after a first look at the module, hence the mutable allow-list.
 */
final class HostEnvironment implements ResourceReader {
  private final Map<String, String> environment;
  private volatile Set<String> declared = Set.of();

  HostEnvironment(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  void declare(Set<String> names) {
    declared = Set.copyOf(names);
  }

  /** The variables the pipeline declared it reads. */
  Set<String> declared() {
    return declared;
  }

  @Override
  public String getUriScheme() {
    return "env";
  }

  @Override
  public boolean hasHierarchicalUris() {
    return false;
  }

  @Override
  public boolean isGlobbable() {
    return false;
  }

  @Override
  public Optional<Object> read(URI uri) throws IOException {
    String name = uri.getSchemeSpecificPart();
    if (!declared.contains(name)) {
      throw new IOException("environment variable `" + name + "` is not declared in `hostEnv`;"
          + " add `hostEnv { \"" + name + "\" }` to let the pipeline read it");
    }
    return Optional.ofNullable(environment.get(name));
  }
}
