package dev.kiln.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.model.Container;
import dev.kiln.model.Pipeline;
import dev.kiln.model.PipelineException;
import dev.kiln.testsupport.PackageServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A team library published as a Pkl package on a loopback HTTPS server with a test CA, resolved
 * and cached through Kiln, and imported by a pipeline as {@code @team/...} in Kiln's sandbox.
 */
class PklPackagesTest {
  private static final Container BUSYBOX = Container.from("busybox:latest");

  @TempDir static Path shared;
  private static PackageServer server;
  @TempDir Path dir;
  private Path project;

  @BeforeAll
  static void startServer() throws Exception {
    server = PackageServer.start(shared); // a CA and a certificate: 6 keytool runs, once
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void publishLibrary() throws Exception {
    publish("1.0.0", "hello from the library");
    project = Files.createDirectories(dir.resolve("app"));
    Files.writeString(project.resolve("PklProject"), """
        amends "pkl:Project"

        dependencies {
          ["team"] { uri = "package://localhost:%d/team/java-service@1.0.0" }
        }
        """.formatted(server.port()));
    pipeline("import \"@team/JavaService.pkl\"", "JavaService.greet(busybox)");
  }

  /** Packs the library at {@code version} with Kiln and puts it on the server; its metadata's sha256. */
  private String publish(String version, String greeting) throws IOException {
    Path lib = dir.resolve("lib-" + version + "-" + greeting.hashCode());
    Files.createDirectories(lib);
    Files.writeString(lib.resolve("PklProject"), server.libraryProject("team/java-service", version));
    Files.writeString(lib.resolve("JavaService.pkl"), """
        /// The team's standard steps.
        module team.JavaService

        function greet(base) = base.withExec(List("sh", "-c", "echo %s"))
        """.formatted(greeting));
    PklPackages.Packaged p = PklPackages.pack(lib, dir.resolve("out"));
    assertThat(p.zip().getFileName().toString()).isEqualTo("java-service@" + version + ".zip");
    server.put("/team/java-service@" + version, p.metadata());
    server.put("/team/java-service@" + version + ".zip", p.zip());
    return p.sha256();
  }

  private void pipeline(String imports, String run) throws IOException {
    Files.writeString(project.resolve("pipeline.pkl"), """
        amends ".kiln/schema/Pipeline.pkl"
        %s

        local busybox = container.from("busybox:latest")

        tasks {
          ["hello"] { run = %s }
        }
        """.formatted(imports, run));
  }

  private List<PklPackages.Pinned> resolve() {
    return PklPackages.resolve(project, new PklPackages.Network(List.of(server.caCertificate()),
        Duration.ofSeconds(5)), null);
  }

  private Pipeline evaluate() {
    return PipelineEvaluator.builder().build().evaluate(project.resolve("pipeline.pkl"));
  }

  @Test
  void resolvedPackageIsImportedOfflineFromTheProjectCache() throws Exception {
    List<PklPackages.Pinned> pinned = resolve();

    assertThat(pinned).singleElement().satisfies(p -> {
      assertThat(p.uri()).isEqualTo("package://localhost:" + server.port() + "/team/java-service@1.0.0");
      assertThat(p.sha256()).matches("[0-9a-f]{64}");
    });
    assertThat(Files.readString(project.resolve("PklProject.deps.json"))).contains(pinned.get(0).sha256());
    assertThat(project.resolve(".kiln/packages/package-2")).isDirectory();
    int requests = server.requests();

    Pipeline p = evaluate();

    assertThat(server.requests()).as("requests while evaluating").isEqualTo(requests);

    assertThat(p.tasks().get("hello").run())
        .isEqualTo(BUSYBOX.withExec("sh", "-c", "echo hello from the library"));
  }

  @Test
  void aTamperedCacheIsAChecksumMismatchAtThePackage() throws Exception {
    resolve();
    try (Stream<Path> files = Files.walk(project.resolve(".kiln/packages"))) {
      Path zip = files.filter(f -> f.toString().endsWith(".zip")).findFirst().orElseThrow();
      zip.toFile().setWritable(true);
      Files.write(zip, new byte[] {1, 2, 3});
    }

    assertThatThrownBy(this::evaluate).isInstanceOfSatisfying(PipelineException.class, e -> {
      assertThat(e.getMessage()).startsWith("checksum mismatch for the package `package://localhost:");
      assertThat(e.location().orElseThrow().toString()).endsWith("app/PklProject:4:21");
      assertThat(e.hint().orElseThrow()).contains("kiln deps resolve");
    });
  }

  @Test
  void anUncachedPackageIsAnErrorSayingToResolve() throws Exception {
    resolve();
    deleteTree(project.resolve(".kiln/packages"));

    assertThatThrownBy(this::evaluate).isInstanceOfSatisfying(PipelineException.class, e -> {
      assertThat(e.getMessage()).contains("is not in the project's package cache");
      assertThat(e.location().orElseThrow().toString()).endsWith("app/PklProject:4:21");
      assertThat(e.hint().orElseThrow()).contains("kiln deps resolve");
    });
  }

  @Test
  void anUnresolvedProjectIsAnErrorSayingToResolve() {
    assertThatThrownBy(this::evaluate).isInstanceOfSatisfying(PipelineException.class, e -> {
      assertThat(e.getMessage()).contains("there is no PklProject.deps.json");
      assertThat(e.hint().orElseThrow()).contains("kiln deps resolve");
    });
  }

  @Test
  void anUndeclaredDependencyIsAnErrorAtTheImport() throws Exception {
    resolve();
    pipeline("import \"@other/JavaService.pkl\"", "busybox");

    assertThatThrownBy(this::evaluate).isInstanceOfSatisfying(PipelineException.class, e -> {
      assertThat(e.getMessage()).contains("Cannot find a dependency named `other`");
      assertThat(e.location().orElseThrow().toString()).endsWith("app/pipeline.pkl:2:8");
    });
  }

  @Test
  void aDirectPackageImportIsRefusedBeforeAnyRequest() throws Exception {
    resolve();
    int before = server.requests();
    pipeline("import \"package://localhost:" + server.port() + "/team/java-service@1.0.0#/JavaService.pkl\"",
        "busybox");

    assertThatThrownBy(this::evaluate).isInstanceOfSatisfying(PipelineException.class, e ->
        assertThat(e.location().orElseThrow().toString()).endsWith("app/pipeline.pkl:2:8"));
    assertThat(server.requests()).isEqualTo(before);
  }

  @Test
  void aRepublishedVersionIsRefusedAtResolve() throws Exception {
    String pinned = resolve().get(0).sha256();
    String now = publish("1.0.0", "changed behind our back");
    assertThat(now).isNotEqualTo(pinned);
    deleteTree(project.resolve(".kiln/packages")); // another machine, e.g. CI: nothing cached

    assertThatThrownBy(this::resolve).isInstanceOfSatisfying(PipelineException.class, e -> {
      assertThat(e.getMessage()).contains("checksum mismatch").contains(pinned).contains(now);
      assertThat(e.location().orElseThrow().toString()).endsWith("app/PklProject:4:21");
    });
    assertThat(Files.readString(project.resolve("PklProject.deps.json"))).contains(pinned).doesNotContain(now);
  }

  @Test
  void aDeclaredChecksumThatDiffersIsAnErrorAtThePackage() throws Exception {
    Files.writeString(project.resolve("PklProject"), """
        amends "pkl:Project"

        dependencies {
          ["team"] { uri = "package://localhost:%d/team/java-service@1.0.0"; checksums { sha256 = "%s" } }
        }
        """.formatted(server.port(), "0".repeat(64)));

    assertThatThrownBy(this::resolve).isInstanceOfSatisfying(PipelineException.class, e -> {
      assertThat(e.getMessage()).contains("did not match declared checksum");
      assertThat(e.location().orElseThrow().toString()).endsWith("app/PklProject:4:21");
    });
    assertThat(project.resolve("PklProject.deps.json")).doesNotExist();
  }

  @Test
  void anUntrustedServerIsAnErrorWithAHint() {
    assertThatThrownBy(() -> PklPackages.resolve(project, new PklPackages.Network(List.of(), Duration.ofSeconds(5)),
        null)).isInstanceOfSatisfying(PipelineException.class, e -> {
          assertThat(e.location().orElseThrow().toString()).endsWith("app/PklProject:4:21");
          assertThat(e.hint().orElseThrow()).contains("--ca-cert");
        });
  }

  /** A local library `steps` in libs/steps/, declared in the project and used by its pipeline. */
  private Path localSteps() throws IOException {
    Path local = Files.createDirectories(project.resolve("libs/steps"));
    Files.writeString(local.resolve("PklProject"), PackageServer.libraryProject("package://example.com/steps",
        "1.0.0", "https://example.com/steps@\\(version).zip"));
    Files.writeString(local.resolve("Steps.pkl"), "function hi(base) = base.withExec(List(\"true\"))\n");
    Files.writeString(project.resolve("PklProject"), """
        amends "pkl:Project"
        dependencies { ["steps"] = import("libs/steps/PklProject") }
        """);
    pipeline("import \"@steps/Steps.pkl\"", "Steps.hi(busybox)");
    return local;
  }

  @Test
  void aLocalLibraryInTheProjectIsImportedWithoutAnyServer() throws Exception {
    localSteps();
    int requests = server.requests();

    resolve();

    assertThat(server.requests()).isEqualTo(requests);

    assertThat(evaluate().tasks().get("hello").run()).isEqualTo(BUSYBOX.withExec("true"));
  }

  @Test
  void aChangedLocalLibraryIsEvaluatedAgainDespiteTheEvaluationCache() throws Exception {
    Path local = localSteps();
    resolve();
    PipelineEvaluator cached = PipelineEvaluator.builder().cache(dir.resolve("eval-cache"), "test-build").build();
    assertThat(cached.evaluate(project.resolve("pipeline.pkl")).tasks().get("hello").run())
        .isEqualTo(BUSYBOX.withExec("true"));
    assertThat(dir.resolve("eval-cache")).isNotEmptyDirectory(); // the evaluation was stored

    Files.writeString(local.resolve("Steps.pkl"), "function hi(base) = base.withExec(List(\"false\"))\n");

    assertThat(cached.evaluate(project.resolve("pipeline.pkl")).tasks().get("hello").run())
        .isEqualTo(BUSYBOX.withExec("false"));
  }

  @Test
  void theEditorCacheGetsTheSamePackages() throws Exception {
    Path editor = dir.resolve("home/.pkl/cache");
    PklPackages.resolve(project, new PklPackages.Network(List.of(server.caCertificate()), Duration.ofSeconds(5)),
        editor);

    try (Stream<Path> files = Files.walk(editor)) {
      assertThat(files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder("java-service@1.0.0.json", "java-service@1.0.0.zip");
    }
  }

  @Test
  void kilnsOwnPackageIsPinnedWithoutAServerAndTypesATeamLibrary() throws Exception {
    String kiln = "package://pkg.kiln.dev/kiln@" + KilnSchema.version() + ".0.0";
    Path lib = Files.createDirectories(dir.resolve("typed-lib"));
    Files.writeString(lib.resolve("PklProject"), """
        amends "pkl:Project"
        package {
          name = "typed"
          baseUri = "package://localhost:%1$d/team/typed"
          version = "1.0.0"
          packageZipUrl = "https://localhost:%1$d/team/typed@\\(version).zip"
        }
        dependencies { ["kiln"] { uri = "%2$s" } }
        """.formatted(server.port(), kiln));
    Files.writeString(lib.resolve("Typed.pkl"), """
        import "@kiln/Pipeline.pkl"

        function stamp(base: Pipeline.Container): Pipeline.Container = base.withExec(List("true"))
        """);
    // No CA and no server for pkg.kiln.dev (which does not exist): Kiln provides its own package.
    PklPackages.resolve(lib, new PklPackages.Network(List.of(), Duration.ofSeconds(5)), null);
    PklPackages.Packaged typed = PklPackages.pack(lib, dir.resolve("out"));
    server.put("/team/typed@1.0.0", typed.metadata());
    server.put("/team/typed@1.0.0.zip", typed.zip());
    Files.writeString(project.resolve("PklProject"), """
        amends "pkl:Project"
        dependencies {
          ["kiln"] { uri = "%s" }
          ["typed"] { uri = "package://localhost:%d/team/typed@1.0.0" }
        }
        """.formatted(kiln, server.port()));
    Files.writeString(project.resolve("pipeline.pkl"), """
        amends "@kiln/Pipeline.pkl"
        import "@kiln/std/go.pkl"
        import "@typed/Typed.pkl"

        local golang = new go.Go { proxy = "off" }
        tasks {
          ["typed"] { run = Typed.stamp(module.container.from("busybox:latest")) }
          ["go"] { run = golang.test(golang.project(module.host.directory(".")), List("./...")) }
        }
        """);

    List<PklPackages.Pinned> pinned = resolve();

    assertThat(pinned).extracting(PklPackages.Pinned::uri).contains(kiln);
    Pipeline p = evaluate();
    assertThat(p.tasks().get("typed").run()).isEqualTo(BUSYBOX.withExec("true"));
    assertThat(p.tasks()).containsKey("go");
    // What Kiln builds is what it pins: a package built again has the same checksum.
    assertThat(PklPackages.packKiln(dir.resolve("kiln-out")).sha256())
        .isEqualTo(pinned.stream().filter(x -> x.uri().equals(kiln)).findFirst().orElseThrow().sha256());
  }

  @Test
  void anotherVersionOfKilnsPackageIsAnErrorAtItsPin() throws Exception {
    Files.writeString(project.resolve("PklProject"), """
        amends "pkl:Project"
        dependencies { ["kiln"] { uri = "package://pkg.kiln.dev/kiln@1.0.0" } }
        """);

    assertThatThrownBy(this::resolve).isInstanceOfSatisfying(PipelineException.class, e -> {
      assertThat(e.getMessage()).contains("but this Kiln's schema is `package://pkg.kiln.dev/kiln@");
      assertThat(e.location().orElseThrow().toString()).endsWith("app/PklProject:2:34");
    });
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(p);
      }
    }
  }
}
