package dev.kiln.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.function.KilnFunction;
import dev.kiln.function.Parameter;
import dev.kiln.function.Phase;
import dev.kiln.function.Signature;
import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What holds for every built-in: registered, valid, documented, cheap to load. */
class BuiltInsTest {
  static final List<String> ALL = List.of(
      "semver.parse", "semver.bump", "semver.compare", "semver.isValid",
      "checksum.sha256", "checksum.ofFile", "checksum.ofDirectory",
      "data.readJson", "data.readYaml", "data.readPomVersion",
      "git.sha", "git.branch", "git.dirty", "git.changedFiles", "git.tag",
      "http.post");

  private static List<KilnFunction> loaded() {
    List<KilnFunction> all = new ArrayList<>();
    ServiceLoader.load(KilnFunction.class).forEach(all::add);
    return all;
  }

  @Test
  void serviceLoaderFindsEveryBuiltIn() {
    assertThat(loaded()).extracting(f -> f.signature().qualifiedName()).containsExactlyElementsOf(ALL);
  }

  @Test
  void everySignatureIsDocumentedAndFitsItsPhase() {
    for (KilnFunction f : loaded()) {
      Signature s = f.signature();
      String name = s.qualifiedName();
      assertThat(s).as(name + " is the same on every call").isEqualTo(f.signature());
      assertThat(s.doc()).as(name + " doc").isNotBlank().endsWith(".").doesNotContain("  ");
      for (Parameter p : s.parameters()) {
        assertThat(p.doc()).as(name + "(" + p.name() + ") doc").isNotBlank().endsWith(".");
        assertThat(s.doc().contains("[" + p.name() + "]") || p.optional())
            .as(name + " doc mentions its required parameter [" + p.name() + "]").isTrue();
      }
      if (s.phase() == Phase.RUN) {
        assertThat(s.results()).as(name + " results").isNotEmpty();
        for (String r : s.results()) {
          assertThat(s.doc()).as(name + " doc names result " + r).contains("`" + r + "`");
        }
      }
      Class<?> c = f.getClass();
      assertThat(Modifier.isFinal(c.getModifiers())).as(c + " is final").isTrue();
      assertThat(c.getDeclaredFields()).as(c + " is stateless")
          .allMatch(field -> Modifier.isFinal(field.getModifiers()));
    }
  }

  @Test
  void theRunTimeFunctionsAreTheOnesTakingFilesDirectoriesAndSecrets() {
    assertThat(loaded()).filteredOn(f -> f.signature().phase() == Phase.RUN)
        .extracting(f -> f.signature().qualifiedName())
        .containsExactly("checksum.ofFile", "checksum.ofDirectory", "http.post");
  }

  /**
   * Loads the built-ins in a fresh class loader, as Kiln does at start-up: reading every signature
   * and calling a non-git function loads no JGit class; the first git call does.
   */
  @Test
  void jgitLoadsOnlyWhenAGitFunctionIsCalled(@TempDir Path project) throws Exception {
    Set<String> jgit = ConcurrentHashMap.newKeySet();
    try (URLClassLoader loader = new URLClassLoader(testClassPath(), ClassLoader.getPlatformClassLoader()) {
      @Override
      protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith("org.eclipse.jgit.")) {
          jgit.add(name);
        }
        return super.loadClass(name, resolve);
      }
    }) {
      Class<?> api = loader.loadClass(KilnFunction.class.getName());
      Class<?> arguments = loader.loadClass("dev.kiln.function.Arguments");
      Class<?> contextType = loader.loadClass("dev.kiln.function.FunctionContext");
      TestContext real = new TestContext(project);
      Object context = Proxy.newProxyInstance(loader, new Class<?>[] {contextType}, (proxy, m, args) ->
          TestContext.class.getMethod(m.getName(), m.getParameterTypes()).invoke(real, args));
      Map<String, Object> functions = new LinkedHashMap<>();
      for (Object f : ServiceLoader.load(api, loader)) {
        Object signature = api.getMethod("signature").invoke(f);
        functions.put((String) signature.getClass().getMethod("qualifiedName").invoke(signature), f);
      }
      assertThat(functions.keySet()).containsExactlyElementsOf(ALL);
      Method call = api.getMethod("call", arguments, contextType);
      Object semverArgs = arguments.getMethod("of", Map.class).invoke(null, Map.of("version", "1.2.3"));
      call.invoke(functions.get("semver.parse"), semverArgs, context);
      assertThat(jgit).as("JGit classes loaded before any git call").isEmpty();

      Object none = arguments.getMethod("of", Map.class).invoke(null, Map.of());
      assertThatThrownBy(() -> {
        try {
          call.invoke(functions.get("git.sha"), none, context);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      }).hasMessageContaining("is not in a Git repository");
      assertThat(jgit).as("the class loader sees JGit load").isNotEmpty();
    }
  }

  private static URL[] testClassPath() throws Exception {
    // Surefire may run tests from a manifest-only jar; it names the real class path here.
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<URL> urls = new ArrayList<>();
    for (String entry : cp.split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        urls.add(Path.of(entry).toUri().toURL());
      }
    }
    return urls.toArray(URL[]::new);
  }
}
