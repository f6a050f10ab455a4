package dev.kiln.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.model.CacheVolume;
import dev.kiln.model.Container;
import dev.kiln.model.ContainerOp;
import dev.kiln.model.Directory;
import dev.kiln.model.Pipeline;
import dev.kiln.model.PipelineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pkl.core.EvaluatorBuilder;
import org.pkl.core.Member;
import org.pkl.core.ModuleSchema;
import org.pkl.core.ModuleSource;
import org.pkl.core.PClass;
import org.pkl.core.StackFrameTransformers;
import org.pkl.core.module.ModuleKeyFactories;
import org.pkl.core.resource.ResourceReaders;

/** The standard library under {@code .kiln/schema/std/}: what each module's helpers evaluate to. */
class StdLibraryTest {
  private static final List<String> STD = KilnSchema.MODULES.stream().filter(m -> m.startsWith("std/")).toList();

  @TempDir Path dir;

  /** {@code debian.install(packages)}: one apt exec on debian:bookworm. */
  static Container debian(String packages) {
    return Container.from("debian:bookworm").withExec("sh", "-c", "apt-get update && apt-get install -y"
        + " --no-install-recommends " + packages + " && rm -rf /var/lib/apt/lists/*");
  }

  static Directory source() {
    return Directory.host(".", List.of(), List.of(".kiln"));
  }

  @Test
  void theStandardLibraryIsBundled() {
    assertThat(STD).containsExactly("std/debian.pkl", "std/go.pkl", "std/gradle.pkl", "std/image.pkl",
        "std/maven.pkl", "std/node.pkl");
    for (String module : STD) {
      assertThat(KilnSchema.read(module)).as(module).hasValueSatisfying(text -> assertThat(text)
          .contains("module kiln.std.", "import \"../Pipeline.pkl\""));
    }
    assertThat(KilnSchema.read("std/nope.pkl")).isEmpty();
  }

  @Test
  void debianInstallsPackagesInOneExec() throws IOException {
    Pipeline p = evaluate("""
        import ".kiln/schema/std/debian.pkl"
        local busybox = container.from("busybox:latest")
        tasks {
          ["a"] { run = debian.install(List("curl", "jq")) }
          ["b"] { run = debian.withPackages(busybox, List("git")) }
        }
        """);
    assertThat(run(p, "a")).isEqualTo(debian("curl jq"));
    assertThat(run(p, "b")).isEqualTo(Container.from("busybox:latest").withExec("sh", "-c",
        "apt-get update && apt-get install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*"));
  }

  /** Maven 3.9.9 from Maven Central, checked against its SHA-512, on a JDK from Debian. */
  static Container mavenToolchain() {
    String archive = "apache-maven-3.9.9-bin.tar.gz";
    return debian("openjdk-17-jdk-headless curl").withExec("sh", "-c", "curl -fsSL -o /tmp/" + archive
        + " https://repo.maven.apache.org/maven2/org/apache/maven/apache-maven/3.9.9/" + archive
        + " && echo 'a555254d6b53d267965a3404ecb14e53c3827c09c3b94b5678835887ab404556bfaf78dcfe03ba76fa2508649dca8531c74bca4d5846513522404d48e8c4ac8b  /tmp/"
        + archive + "' | sha512sum --check --status && mkdir -p /opt/maven && tar -xzf /tmp/" + archive
        + " -C /opt/maven --strip-components=1 && rm /tmp/" + archive + " && ln -s /opt/maven/bin/mvn /usr/local/bin/mvn");
  }

  /** {@code base} with the local repository {@code volume} shared, Maven locking its files. */
  static Container withRepository(Container base, String volume) {
    return base.with(new ContainerOp.WithMountedCache("/root/.m2", new CacheVolume(volume), ContainerOp.Sharing.SHARED))
        .withEnv("MAVEN_ARGS", "-Daether.syncContext.named.factory=file-lock -Daether.syncContext.named.nameMapper=file-gav"
            + " -Daether.connector.requestTimeout=60000");
  }

  @Test
  void mavenRunsGoalsOnAJdkWithTheLocalRepositorySharedUnderFileLocks() throws IOException {
    Pipeline p = evaluate("""
        import ".kiln/schema/std/maven.pkl"
        local mvn = new maven.Maven {}
        local src = host.directory(".").excluding(List(".kiln"))
        local build = mvn.project(src)
        local offline = (mvn) {
          offline = true
          quiet = true
          repository = module.cacheVolume("m2-ci")
          properties { ["revision"] = "1.2.0"; ["maven.test.failure.ignore"] = "true" }
        }
        tasks {
          ["verify"] { run = mvn.run(build, List("verify")) }
          ["clean"] { run = offline.skippingTests().run(offline.project(src), List("clean", "package")) }
          ["tree"] { run = mvn.run(build, List("dependency:tree")) }
        }
        """);
    Container build = withRepository(mavenToolchain(), "m2").withDirectory("/src", source()).withWorkdir("/src");
    assertThat(run(p, "verify")).isEqualTo(build.withExec("mvn", "-B", "test-compile").withExec("mvn", "-B", "verify"));
    // `clean` undoes a shared compile: none is added; nor for goals that compile nothing.
    assertThat(run(p, "clean")).isEqualTo(withRepository(mavenToolchain(), "m2-ci")
        .withDirectory("/src", source())
        .withWorkdir("/src")
        .withExec("mvn", "-B", "-q", "-o", "-DskipTests", "-Drevision=1.2.0", "-Dmaven.test.failure.ignore=true",
            "clean", "package"));
    assertThat(run(p, "tree")).isEqualTo(build.withExec("mvn", "-B", "dependency:tree"));
  }

  @Test
  void mavenTestAndPackageOfTheSameSourcesShareOneCompile() throws IOException {
    Pipeline p = evaluate("""
        import ".kiln/schema/std/maven.pkl"
        local mvn = new maven.Maven { quiet = true }
        local build = mvn.project(host.directory(".").excluding(List(".kiln")))
        tasks {
          ["test"] { run = mvn.run(build, List("test")) }
          ["package"] { run = mvn.skippingTests().run(build, List("package")) }
        }
        """);
    Container compiled = withRepository(mavenToolchain(), "m2").withDirectory("/src", source()).withWorkdir("/src")
        .withExec("mvn", "-B", "-q", "test-compile");
    assertThat(run(p, "test")).isEqualTo(compiled.withExec("mvn", "-B", "-q", "test"));
    assertThat(run(p, "package")).isEqualTo(compiled.withExec("mvn", "-B", "-q", "-DskipTests", "package"));
  }

  @Test
  void mavenOnlyTakesAJdkBookwormPackages() throws IOException {
    Path file = write("""
        import ".kiln/schema/std/maven.pkl"
        local mvn = new maven.Maven { jdk = 11 }
        tasks { ["t"] { run = mvn.toolchain() } }
        """);
    assertThatThrownBy(() -> PipelineEvaluator.builder().build().evaluate(file))
        .isInstanceOfSatisfying(PipelineException.class, e -> {
          assertThat(e).hasMessageContaining("Type constraint `this == 17` violated");
          assertThat(e.location().orElseThrow().line()).isEqualTo(4);
        });
  }

  @Test
  void gradleRunsTasksWithoutADaemonWithItsHomeCached() throws IOException {
    Pipeline p = evaluate("""
        import ".kiln/schema/std/gradle.pkl"
        local g = new gradle.Gradle {}
        local w = new gradle.Gradle { wrapper = true; offline = true; quiet = true; properties { ["version"] = "2" } }
        local src = host.directory(".").excluding(List(".kiln"))
        tasks {
          ["debian"] { run = g.run(g.project(src), List("build")) }
          ["wrapper"] { run = w.run(w.project(src), List("test", "jar")) }
        }
        """);
    assertThat(run(p, "debian")).isEqualTo(debian("openjdk-17-jdk-headless gradle")
        .withMountedCache("/root/.gradle", new CacheVolume("gradle"))
        .withDirectory("/src", source())
        .withWorkdir("/src")
        .withExec("gradle", "--no-daemon", "--console=plain", "build"));
    assertThat(run(p, "wrapper")).isEqualTo(debian("openjdk-17-jdk-headless")
        .withMountedCache("/root/.gradle", new CacheVolume("gradle"))
        .withDirectory("/src", source())
        .withWorkdir("/src")
        .withExec("./gradlew", "--no-daemon", "--console=plain", "-q", "--offline", "-Pversion=2", "test", "jar"));
  }

  @Test
  void goBuildsStaticBinariesWithItsCachesMounted() throws IOException {
    Pipeline p = evaluate("""
        import ".kiln/schema/std/go.pkl"
        local golang = new go.Go {}
        local offline = new go.Go { proxy = "off"; flags = "-mod=vendor"; cgo = true; workdir = "/app" }
        local src = host.directory(".").excluding(List(".kiln"))
        tasks {
          ["test"] { run = golang.test(golang.project(src), List("./...")) }
          ["build"] { run = offline.build(offline.project(src), "/out/bin/app", "./cmd/app") }
          ["here"] { run = golang.build(golang.toolchain(), "/app", ".") }
        }
        """);
    Container go = debian("golang-go");
    Container caches = go
        .withEnv("GOCACHE", "/root/.cache/go-build")
        .withEnv("GOPATH", "/go");
    assertThat(run(p, "test")).isEqualTo(caches
        .withEnv("CGO_ENABLED", "0")
        .withMountedCache("/root/.cache/go-build", new CacheVolume("go-build"))
        .withMountedCache("/go", new CacheVolume("go-path"))
        .withDirectory("/src", source())
        .withWorkdir("/src")
        .withExec("go", "test", "./..."));
    assertThat(run(p, "build")).isEqualTo(caches
        .withEnv("GOFLAGS", "-mod=vendor")
        .withEnv("GOPROXY", "off")
        .withEnv("CGO_ENABLED", "1")
        .withMountedCache("/root/.cache/go-build", new CacheVolume("go-build"))
        .withMountedCache("/go", new CacheVolume("go-path"))
        .withDirectory("/app", source())
        .withWorkdir("/app")
        .withExec("sh", "-c", "mkdir -p /out/bin && go build -o /out/bin/app ./cmd/app"));
    assertThat(run(p, "here")).isEqualTo(go.withExec("sh", "-c", "go build -o /app ."));
  }

  @Test
  void goRefusesPathsTheShellWouldSplit() throws IOException {
    Path file = write("""
        import ".kiln/schema/std/go.pkl"
        local golang = new go.Go {}
        tasks { ["t"] { run = golang.build(golang.toolchain(), "/out/my app", ".") } }
        """);
    assertThatThrownBy(() -> PipelineEvaluator.builder().build().evaluate(file))
        .isInstanceOfSatisfying(PipelineException.class, e -> assertThat(e.location().orElseThrow().line()).isEqualTo(5));
  }

  @Test
  void nodeInstallsWithNpmCiAndRunsScripts() throws IOException {
    Pipeline p = evaluate("""
        import ".kiln/schema/std/node.pkl"
        local npm = new node.Node {}
        local offline = (npm) { offline = true }
        local deps = offline.ci(npm.project(host.directory(".").excluding(List(".kiln"))))
        tasks {
          ["test"] { run = npm.run(deps, "test", List()) }
          ["lint"] { run = npm.run(deps, "lint", List("--fix", "src")) }
        }
        """);
    Container deps = debian("nodejs npm")
        .withMountedCache("/root/.npm", new CacheVolume("npm"))
        .withDirectory("/src", source())
        .withWorkdir("/src")
        .withExec("npm", "ci", "--no-audit", "--no-fund", "--offline");
    assertThat(run(p, "test")).isEqualTo(deps.withExec("npm", "run", "test"));
    assertThat(run(p, "lint")).isEqualTo(deps.withExec("npm", "run", "lint", "--", "--fix", "src"));
  }

  @Test
  void imagesRunAJarOrABinaryAsANonRootUser() throws IOException {
    Pipeline p = evaluate("""
        import ".kiln/schema/std/image.pkl"
        local built = container.from("busybox:latest").withExec(List("true"))
        tasks {
          ["java"] { publish = image.javaApp(built.file("/out/app.jar")); ref = "127.0.0.1:5000/a:1" }
          ["bin"] { publish = image.nonRoot(image.binary(built.file("/out/hello"), "hello"), "app", 10001); ref = "127.0.0.1:5000/b:1" }
        }
        """);
    Container built = Container.from("busybox:latest").withExec("true");
    assertThat(p.tasks().get("java").publish()).isEqualTo(debian("openjdk-17-jre-headless")
        .withFile("/app.jar", built.file("/out/app.jar"))
        .with(new ContainerOp.WithEntrypoint(List.of("java", "-jar", "/app.jar")))
        .with(new ContainerOp.WithDefaultArgs(List.of())));
    assertThat(p.tasks().get("bin").publish()).isEqualTo(Container.from("busybox:latest")
        .withFile("/usr/local/bin/hello", built.file("/out/hello"))
        .with(new ContainerOp.WithEntrypoint(List.of("/usr/local/bin/hello")))
        .with(new ContainerOp.WithDefaultArgs(List.of()))
        .withExec("sh", "-c", "echo 'app:x:10001:10001::/home/app:/bin/sh' >> /etc/passwd"
            + " && echo 'app:x:10001:' >> /etc/group && mkdir -p /home/app && chown 10001:10001 /home/app")
        .with(new ContainerOp.WithUser("10001:10001"))
        .withEnv("HOME", "/home/app"));
  }

  @Test
  void theBundledLibraryIsServedOverAVendoredCopy() throws IOException {
    Path schema = KilnSchema.writeTo(dir);
    for (String module : STD) {
      assertThat(Files.readString(schema.resolve(module))).as(module).isEqualTo(KilnSchema.read(module).orElseThrow());
    }
    String body = """
        import ".kiln/schema/std/maven.pkl"
        tasks { ["t"] { run = new maven.Maven {}.toolchain() } }
        """;
    assertThat(run(evaluate(body), "t")).isEqualTo(mavenToolchain());
    // An edited (or older) vendored copy is not what runs: Kiln serves its own.
    Files.writeString(schema.resolve("std/maven.pkl"), "module broken\n");
    Files.delete(schema.resolve("std/debian.pkl"));
    assertThat(run(evaluate(body), "t")).isEqualTo(mavenToolchain());
  }

  /**
   * Every class, property, method and type alias an importer can see has a doc comment: it is the
   * completion text editors show.
   */
  @Test
  void everyPublicMemberIsDocumented() throws IOException {
    Path schema = KilnSchema.writeTo(dir);
    List<String> undocumented = new ArrayList<>();
    try (var pkl = EvaluatorBuilder.unconfigured()
        .setStackFrameTransformer(StackFrameTransformers.empty)
        .setModuleKeyFactories(List.of(ModuleKeyFactories.standardLibrary, ModuleKeyFactories.file))
        .setResourceReaders(List.of(ResourceReaders.file()))
        .setAllowedModules(List.of(Pattern.compile("pkl:"), Pattern.compile("file:")))
        .setAllowedResources(List.of(Pattern.compile("file:")))
        .build()) {
      for (String module : STD) {
        ModuleSchema s = pkl.evaluateSchema(ModuleSource.path(schema.resolve(module)));
        if (s.getDocComment() == null) {
          undocumented.add(module);
        }
        List<Member> members = new ArrayList<>(s.getTypeAliases().values());
        members.addAll(s.getClasses().values());
        List<PClass> classes = new ArrayList<>(s.getClasses().values());
        classes.add(s.getModuleClass());
        for (PClass c : classes) {
          members.addAll(c.getProperties().values());
          members.addAll(c.getMethods().values());
        }
        for (Member m : members) {
          if (m.getDocComment() == null || m.getDocComment().isBlank()) {
            undocumented.add(module + ": " + m.getSimpleName());
          }
        }
      }
    }
    assertThat(undocumented).isEmpty();
  }

  private Path write(String body) throws IOException {
    return Files.writeString(dir.resolve("pipeline.pkl"), "amends \".kiln/schema/Pipeline.pkl\"\n\n" + body);
  }

  private Pipeline evaluate(String body) throws IOException {
    return PipelineEvaluator.builder().build().evaluate(write(body));
  }

  private static Container run(Pipeline p, String task) {
    return p.tasks().get(task).run();
  }
}
