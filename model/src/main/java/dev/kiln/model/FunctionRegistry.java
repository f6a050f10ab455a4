package dev.kiln.model;

import dev.kiln.function.KilnFunction;
import dev.kiln.function.Signature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The {@link KilnFunction}s pipelines may call: Kiln's own (on its class path) and those of plugin
 * jars, found with {@link ServiceLoader}. Two functions with one qualified name are an error, so a
 * plugin cannot silently replace a built-in.
 */
public final class FunctionRegistry {
  /** Where a project keeps its plugin jars, relative to its root; loaded with the pipeline. */
  public static final Path PROJECT_PLUGINS = Path.of(".kiln", "plugins");

  /**
   * The plugin directory of the project at {@code root}, or none when it is a link (or under one)
   * that leads out of the project: code is loaded only from the project itself.
   */
  public static List<Path> projectPlugins(Path root) {
    try {
      return ProjectRoot.of(root).resolve(PROJECT_PLUGINS.toString()).inside()
          ? List.of(root.resolve(PROJECT_PLUGINS)) : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }

  private final Map<String, KilnFunction> functions;
  private final Map<String, String> origins;

  private FunctionRegistry(Map<String, KilnFunction> functions, Map<String, String> origins) {
    this.functions = Collections.unmodifiableMap(functions);
    this.origins = Collections.unmodifiableMap(origins);
  }

  /** Kiln's own functions: those on the class path of this class. */
  public static FunctionRegistry builtIn() {
    return BuiltIn.REGISTRY;
  }

  // Loaded once: the class path does not change, and every evaluation without plugins needs it.
  private static final class BuiltIn {
    static final FunctionRegistry REGISTRY = scan(FunctionRegistry.class.getClassLoader());
  }

  /**
   * Kiln's own functions plus those of every {@code *.jar} in {@code pluginDirs} (directories that
   * do not exist are skipped).
   *
   * @throws PipelineException when a plugin cannot be loaded or two functions share a name
   */
  public static FunctionRegistry load(List<Path> pluginDirs) {
    List<URL> jars = new ArrayList<>();
    for (Path dir : pluginDirs) {
      for (Path jar : jars(dir)) {
        try {
          jars.add(jar.toAbsolutePath().normalize().toUri().toURL());
        } catch (MalformedURLException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    if (jars.isEmpty()) {
      return builtIn();
    }
    return scan(new URLClassLoader(jars.toArray(URL[]::new), FunctionRegistry.class.getClassLoader()));
  }

  /**
   * Like {@link #load(List)} for {@code pluginDirs} (the user's) and the plugins of the project at
   * {@code projectRoot} (see {@link #projectPlugins}), each of whose jars {@code trust} must allow
   * first.
   *
   * @throws PipelineException when a project jar is not trusted, a plugin cannot be loaded or two
   *     functions share a name
   */
  public static FunctionRegistry load(List<Path> pluginDirs, Path projectRoot, PluginTrust trust) {
    List<Path> all = new ArrayList<>(pluginDirs);
    for (Path dir : projectPlugins(projectRoot)) {
      jars(dir).forEach(trust::check);
      all.add(dir);
    }
    return load(all);
  }

  /** The {@code *.jar} files of {@code dir}, sorted; none when it is not a directory. */
  public static List<Path> jars(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static FunctionRegistry scan(ClassLoader loader) {
    Map<String, KilnFunction> functions = new TreeMap<>();
    Map<String, String> origins = new TreeMap<>();
    try {
      for (KilnFunction f : ServiceLoader.load(KilnFunction.class, loader)) {
        String origin = origin(f);
        Signature s;
        try {
          s = f.signature();
        } catch (RuntimeException e) {
          throw new PipelineException("function " + f.getClass().getName() + " from " + origin
              + " has an invalid signature: " + e.getMessage(), null, "fix the plugin, or remove it");
        }
        String name = s.qualifiedName();
        if (functions.containsKey(name)) {
          throw new PipelineException("two functions are named " + name + ": one from " + origins.get(name)
              + ", one from " + origin, null, "remove one of the plugins, or rename its function");
        }
        functions.put(name, f);
        origins.put(name, origin);
      }
    } catch (ServiceConfigurationError e) {
      throw new PipelineException("a function plugin cannot be loaded: " + e.getMessage(), null,
          "check the plugin's META-INF/services/" + KilnFunction.class.getName()
              + " and that it was built against this Kiln's function API");
    }
    return new FunctionRegistry(functions, origins);
  }

  private static String origin(KilnFunction f) {
    var source = f.getClass().getProtectionDomain().getCodeSource();
    return source == null || source.getLocation() == null ? "Kiln" : source.getLocation().getPath();
  }

  /** The function named {@code qualifiedName} ({@code namespace.name}). */
  public Optional<KilnFunction> find(String qualifiedName) {
    return Optional.ofNullable(functions.get(qualifiedName));
  }

  /** All functions, sorted by qualified name. */
  public Collection<KilnFunction> all() {
    return functions.values();
  }

  /** Where the functions came from: jars' paths, or {@code Kiln}. */
  public Set<String> origins() {
    return new TreeSet<>(origins.values());
  }

  /** Where {@code qualifiedName} came from: a jar's path, or {@code Kiln}. */
  public String origin(String qualifiedName) {
    return origins.get(qualifiedName);
  }
}
